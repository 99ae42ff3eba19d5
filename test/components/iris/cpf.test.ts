import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CpfSyntaxError, formatCpf, getValue, parseCpf, sections, setValue } from "../../../components/iris/cpf";
import { projectRoot } from "../../helpers/example";

const FIXTURES = join(projectRoot, "test", "fixtures", "cpf");
const MALFORMED = join(FIXTURES, "malformed");

const fixtureNames = readdirSync(FIXTURES).filter((name) => /\.(cpf|conf)$/.test(name) && statSync(join(FIXTURES, name)).isFile());
/** The files copied from public repositories; `self-*` ones are written for this project (SOURCES.md). */
const publicFixtureNames = fixtureNames.filter((name) => !name.startsWith("self-"));

function load(name: string) {
    const text = readFileSync(join(FIXTURES, name), "utf8");
    return { text, doc: parseCpf(text, { source: name }) };
}

function sectionNames(text: string): string[] {
    return sections(parseCpf(text)).map((section) => section.name);
}

describe("round trip", () => {
    it("covers the whole corpus", () => {
        expect(fixtureNames.length).toBeGreaterThanOrEqual(15);
    });

    it.each(fixtureNames)("%s formats back to the same bytes", (name) => {
        const bytes = readFileSync(join(FIXTURES, name));
        const doc = parseCpf(bytes.toString("utf8"), { source: name });
        expect(Buffer.from(formatCpf(doc), "utf8").equals(bytes)).toBe(true);
        expect(sections(doc).length).toBeGreaterThan(0);
    });

    it("keeps comment styles, block comments, indentation, a BOM and mixed line breaks", () => {
        const text = "\uFEFF; a\r\n# b\n// c\n/* d\n   e */\n  [Startup]  \r\n  DefaultPort=1972  \n\n[Empty Section]";
        const doc = parseCpf(text);
        expect(formatCpf(doc)).toBe(text);
        expect(doc.lines.map((line) => line.kind)).toEqual([
            "comment", "comment", "comment", "comment", "comment", "section", "parameter", "blank", "section",
        ]);
        expect(getValue(doc, "Startup", "DefaultPort")).toBe("1972");
        expect(sectionNames(text)).toEqual(["Startup", "Empty Section"]);
    });

    it("treats an empty input as an empty document", () => {
        expect(parseCpf("").lines).toEqual([]);
        expect(formatCpf(parseCpf(""))).toBe("");
    });
});

describe("reading the corpus", () => {
    it("reads [Startup] ports from full iris.cpf files of several versions", () => {
        const ports = (name: string) => {
            const { doc } = load(name);
            return [getValue(doc, "Startup", "DefaultPort"), getValue(doc, "Startup", "WebServerPort")];
        };
        expect(ports("iris-2020.4-shard-linux.cpf")).toEqual(["1972", "52773"]);
        expect(ports("iris-2020.1-ecp-linux-crlf.cpf")).toEqual(["1972", "52773"]);
        expect(ports("irishealth-2023.3-windows.cpf")).toEqual(["1972", "52773"]);
        expect(ports("cache-2012.2-ensemble-windows.cpf")).toEqual(["1975", "57775"]);
    });

    it("reads [Gateways] entries, whose keys contain spaces and %", () => {
        const { doc } = load("irishealth-2023.3-windows.cpf");
        const gateways = sections(doc).find((section) => section.name === "Gateways");
        expect(gateways?.entries.map((entry) => (entry.kind === "parameter" ? entry.key : entry.operation))).toEqual([
            "%DotNet Server", "%IntegratedML Server", "%JDBC Server", "%Java Server",
            "%Python Server", "%R Server", "%XSLT Server", "FHIR_Validation_Server",
        ]);
        expect(getValue(doc, "Gateways", "%JDBC Server")).toBe("JDBC,53772,%Gateway_SQL,,,,,,,0");
        expect(getValue(doc, "Gateways", "FHIR_Validation_Server")).toBe(
            "Java,53972,%Gateway_Object,C:\\InterSystems\\IRISHealth\\dev\\fhir\\java\\fhir-validate-1.2.0-20231005.205240-1.jar",
        );
    });

    it("reads Windows paths, namespace map sections and values full of = ; # and brackets", () => {
        const { doc } = load("irishealth-2023.3-windows.cpf");
        expect(getValue(doc, "Databases", "IRISSYS")).toBe("C:\\InterSystems\\IRISHealth\\mgr\\");
        expect(getValue(doc, "MagTapes", "47")).toBe("\\\\.\\TAPE0");
        expect(getValue(doc, "Map.%SYS", 'Global_%SYS("HealthShare")')).toBe("HSSYS");
        expect(getValue(doc, "SQL", "IdTrxFrom")).toBe("~ `!@#$%^&*()_+-=[]\\{}|;':\",./<>?");
        expect(getValue(doc, "SqlSysDatatypes", "BINARY VARYING")).toBe("%Library.Binary(MAXLEN=1)");
        expect(getValue(doc, "Startup", "DefaultPortBindAddress")).toBe("");
    });

    it("reads a Caché 2012.2 file with subscript-range map keys and [ECPServers]", () => {
        const { doc } = load("cache-2012.2-ensemble-windows.cpf");
        expect(getValue(doc, "ConfigFile", "Version")).toBe("2012.2");
        expect(getValue(doc, "ECPServers", "CACHE18DB")).toBe("10.1.50.66,1972,1");
        expect(getValue(doc, "Map.EIAS", "Global_Portal.D.XMLstreamS(1):(1492869)")).toBe("EIASSTREAMS1");
    });

    it("looks names up case-insensitively, as InterSystems' own merge examples write them", () => {
        const { doc } = load("iris-2020.4-shard-linux.cpf");
        expect(getValue(doc, "config", "MaxServers")).toBe("2");
        expect(getValue(doc, "Config", "MaxServers")).toBe("2");
        expect(getValue(doc, "CONFIG", "maxservers")).toBe("2");
        const merge = parseCpf("[Actions]\nModifyService:Name=%service_ecp,Enabled=0\n[config]\nMaxServers=0\n");
        expect(sections(merge)[0].entries[0]).toMatchObject({ kind: "action", operation: "ModifyService" });
    });

    it("reads a comment after a value and keeps it on the line", () => {
        const text = "[Startup]\nDefaultPort=1972 ; main port\nWebServerPort=52773\t# private\nDefaultPortBindAddress=10.0.0.5 // one address\n";
        const doc = parseCpf(text);
        expect(getValue(doc, "Startup", "DefaultPort")).toBe("1972");
        expect(getValue(doc, "Startup", "WebServerPort")).toBe("52773");
        expect(getValue(doc, "Startup", "DefaultPortBindAddress")).toBe("10.0.0.5");
        expect(sections(doc)[0].entries.map((e) => e.comment)).toEqual([" ; main port", "\t# private", " // one address"]);
        expect(formatCpf(doc)).toBe(text);
        const actions = parseCpf("[Actions]\nModifyService:Name=%Service_Telnet,Enabled=0 ; off\n");
        expect(sections(actions)[0].entries[0]).toMatchObject({ properties: [{ name: "Name", value: "%Service_Telnet" }, { name: "Enabled", value: "0" }], comment: " ; off" });
    });

    it("keeps ; # // without whitespace before them, and inside quotes, in the value", () => {
        const doc = parseCpf([
            "[LicenseServers]", "LS=10.0.0.1,4002;10.0.0.2,4002",
            "[ECPServers]", "DS=IRIS://db:1972/USER",
            "[Databases]", "USER=C:\\InterSystems\\IRIS\\mgr\\user\\#1",
            "[Misc]", 'Note="a ; b # c // d"', "Hash=abc#def", "",
        ].join("\n"));
        expect(getValue(doc, "LicenseServers", "LS")).toBe("10.0.0.1,4002;10.0.0.2,4002");
        expect(getValue(doc, "ECPServers", "DS")).toBe("IRIS://db:1972/USER");
        expect(getValue(doc, "Databases", "USER")).toBe("C:\\InterSystems\\IRIS\\mgr\\user\\#1");
        expect(getValue(doc, "Misc", "Note")).toBe('"a ; b # c // d"');
        expect(getValue(doc, "Misc", "Hash")).toBe("abc#def");
    });

    it.each(publicFixtureNames)("%s: no value of the corpus holds a comment", (name) => {
        // Every value in the public files keeps its ;, # and // (none has whitespace before them).
        const entries = sections(load(name).doc).flatMap((s) => s.entries);
        expect(entries.filter((e) => e.comment !== undefined)).toEqual([]);
    });

    it("reads the trailing comment of a self-made fixture as a comment", () => {
        const { doc } = load("self-2024.1-external-web-server.cpf");
        expect(getValue(doc, "Startup", "WebServerPort")).toBe("80");
        expect(sections(doc).flatMap((s) => s.entries).filter((e) => e.comment !== undefined).map((e) => e.comment)).toEqual([" ; the external web server (Web Gateway)"]);
    });

    it("models [Actions] lines as operations with properties", () => {
        const { doc } = load("merge-iris-fhir-template.cpf");
        const [actions] = sections(doc);
        expect(actions.name).toBe("Actions");
        expect(actions.entries).toHaveLength(8);
        expect(actions.entries[0]).toMatchObject({
            kind: "action",
            line: 3,
            operation: "ModifyService",
            properties: [
                { name: "Name", value: "%Service_CallIn" },
                { name: "Enabled", value: "1" },
                { name: "AutheEnabled", value: "48" },
            ],
        });
        expect(actions.entries[3]).toMatchObject({
            operation: "CreateResource",
            properties: [
                { name: "Name", value: "%DB_FHIRSERVER_DATA" },
                { name: "Description", value: '"FHIRSERVER_DATA database"' },
            ],
        });
        expect(getValue(doc, "Actions", "ModifyService")).toBeUndefined();
    });

    it("splits [Actions] properties only where another Name= starts, outside quotes", () => {
        const mus = sections(load("merge-iris-mus.cpf").doc)[0].entries;
        expect(mus.map((entry) => (entry.kind === "action" ? entry.operation : entry.key))).toEqual([
            "CreateDatabase", "CreateDatabase", "CreateNamespace", "ModifyUser", "CreateApplication",
        ]);
        expect(mus[3]).toMatchObject({
            properties: [
                { name: "Name", value: "SuperUser" },
                { name: "PasswordHash", value: expect.stringMatching(/^9b900b72[0-9a-f]+,ae216ebb[0-9a-f]+,10000,SHA512$/) },
            ],
        });
        expect(mus[4]).toMatchObject({ properties: expect.arrayContaining([{ name: "MatchRoles", value: ":%All" }]) });

        const [execute] = sections(parseCpf('[Actions]\nExecute:Arg1="a, b",Arg2="say ""hi"", x=1"\n'))[0].entries;
        expect(execute).toMatchObject({
            properties: [
                { name: "Arg1", value: '"a, b"' },
                { name: "Arg2", value: '"say ""hi"", x=1"' },
            ],
        });
    });

    it("lists sections of merge files, including empty and commented-out ones", () => {
        expect(sectionNames(load("merge-iris-pgwire.cpf").text)).toEqual(["Actions", "Startup"]);
        expect(sections(load("merge-iris-pgwire.cpf").doc)[1].entries).toEqual([]);
        expect(sectionNames(load("merge-2020.4-sql-params.conf").text)).toEqual(["Startup", "SQL", "SqlSysDatatypes"]);
        expect(sectionNames(load("merge-iris-dev-template.cpf").text)).toEqual(["Actions", "Startup"]);
    });

    it("reads values holding // and $ from a mirrored-shard merge file", () => {
        const { doc } = load("merge-2020.4-mirrored-shard-data.conf");
        expect(getValue(doc, "Startup", "ShardClusterURL")).toBe("IRIS://10.0.0.10:1972/IRISCLUSTER");
        expect(getValue(doc, "Startup", "ShardMasterRegexp")).toBe("-0-0$");
        expect(getValue(doc, "config", "MaxServers")).toBe("64");
    });

    it("lets the last of repeated sections and parameters win, as merge files do", () => {
        const doc = parseCpf("[Startup]\nWebServer=1\nDefaultPort=1972\n[Startup]\nWebServer=0\n");
        expect(sections(doc).map((section) => [section.name, section.line])).toEqual([["Startup", 1], ["Startup", 4]]);
        expect(getValue(doc, "Startup", "WebServer")).toBe("0");
        expect(getValue(doc, "Startup", "DefaultPort")).toBe("1972");
    });
});

describe("editing", () => {
    it("changes only the line of an existing key", () => {
        const { doc } = load("merge-objectscript-docker-template.cpf");
        setValue(doc, "Startup", "SystemMode", "PRODUCTION");
        expect(formatCpf(doc)).toBe("[Startup]\nSystemMode=PRODUCTION\n");
    });

    it("appends a key after the last parameter of an existing section", () => {
        const { doc } = load("merge-objectscript-docker-template.cpf");
        setValue(doc, "Startup", "WebServer", "0");
        expect(formatCpf(doc)).toBe("[Startup]\nSystemMode=Objectscript Docker Template\nWebServer=0\n");

        const sql = load("merge-2020.4-sql-params.conf");
        setValue(sql.doc, "Startup", "WebServer", "0");
        expect(formatCpf(sql.doc)).toBe(sql.text.replace("u4ocm4qh\n\n#[config]", "u4ocm4qh\nWebServer=0\n\n#[config]"));
    });

    it("adds a missing section at the end, separated by a blank line", () => {
        const { doc } = load("merge-objectscript-docker-template.cpf");
        setValue(doc, "config", "MaxServers", "0");
        expect(formatCpf(doc)).toBe("[Startup]\nSystemMode=Objectscript Docker Template\n\n[config]\nMaxServers=0\n");

        const empty = parseCpf("");
        setValue(empty, "Startup", "WebServer", "0");
        expect(formatCpf(empty)).toBe("[Startup]\nWebServer=0\n");
    });

    it("keeps a missing final newline missing", () => {
        const { text, doc } = load("merge-codedemo.cpf");
        setValue(doc, "Startup", "WebServer", "0");
        expect(formatCpf(doc)).toBe(`${text}\nWebServer=0`);

        const sql = load("merge-2020.4-sql-params.conf");
        setValue(sql.doc, "Telnet", "Port", "");
        expect(formatCpf(sql.doc)).toBe(`${sql.text}\n\n[Telnet]\nPort=`);
    });

    it("keeps CRLF files CRLF", () => {
        const { text, doc } = load("iris-2020.1-ecp-linux-crlf.cpf");
        setValue(doc, "Startup", "WebServer", "0");
        setValue(doc, "Startup", "DefaultPortBindAddress", "127.0.0.1");
        setValue(doc, "Telnet", "DNSLookup", "OFF");
        setValue(doc, "Telnet", "Enabled", "0");
        setValue(doc, "Gateways", "%JDBC Server", "JDBC,53772,%Gateway_SQL,,,,,,,0");
        const expected = text
            .replace("\r\nWebServer=1\r\n", "\r\nWebServer=0\r\n")
            .replace("DefaultPortBindAddress=\r\n", "DefaultPortBindAddress=127.0.0.1\r\n")
            .replace("DNSLookup=ON\r\nPort=23\r\n", "DNSLookup=OFF\r\nPort=23\r\nEnabled=0\r\n")
            // The file already ends with a blank line, so the new section needs no separator.
            .concat("[Gateways]\r\n%JDBC Server=JDBC,53772,%Gateway_SQL,,,,,,,0\r\n");
        expect(formatCpf(doc)).toBe(expected);
        expect(formatCpf(doc)).not.toMatch(/(^|[^\r])\n/);
    });

    it("edits the occurrence getValue reads and keeps its indentation", () => {
        const doc = parseCpf("[Startup]\nWebServer=1\n[Startup]\n  WebServer=1\n[config]\n");
        setValue(doc, "Startup", "WebServer", "0");
        expect(formatCpf(doc)).toBe("[Startup]\nWebServer=1\n[Startup]\n  WebServer=0\n[config]\n");
        setValue(doc, "Startup", "DefaultPort", "1972");
        expect(formatCpf(doc)).toBe("[Startup]\nWebServer=1\n[Startup]\n  WebServer=0\nDefaultPort=1972\n[config]\n");
    });

    it("keeps a trailing comment and the file's spelling of the names when it rewrites a value", () => {
        const doc = parseCpf("[config]\nmaxservers=2 ; sized for 2 data servers\n");
        setValue(doc, "Config", "MaxServers", "0");
        expect(formatCpf(doc)).toBe("[config]\nmaxservers=0 ; sized for 2 data servers\n");
        setValue(doc, "CONFIG", "MaxServerConn", "0");
        expect(formatCpf(doc)).toBe("[config]\nmaxservers=0 ; sized for 2 data servers\nMaxServerConn=0\n");
    });

    it("refuses writes that would not read back as written", () => {
        const doc = parseCpf("[Startup]\nWebServer=1\n");
        const refused: [string, string, string][] = [
            ["Startup", "", "0"],
            ["Startup", "Web\nServer", "0"],
            ["Startup", "#WebServer", "0"],
            ["Startup", "WebServer", "0\r\n[Actions]"],
            ["Startup", "WebServer", "0 "],
            ["Startup", "WebServer", "0 ; a value with a comment in it"],
            ["Startup", "NewKey", "1 # would be a comment"],
            ["Startup", "Web=Server", "0"],
            ["Start]up", "WebServer", "0"],
            ["", "WebServer", "0"],
            ["Actions", "ModifyService", "Name=%Service_Telnet,Enabled=0"],
        ];
        for (const [section, key, value] of refused) {
            expect(() => setValue(doc, section, key, value), `${section} ${key} ${value}`).toThrow();
        }
        expect(formatCpf(doc)).toBe("[Startup]\nWebServer=1\n");
    });
});

describe("malformed input", () => {
    const files = readdirSync(MALFORMED);

    it("has a case for each kind of error", () => {
        expect(files.length).toBeGreaterThanOrEqual(9);
    });

    it.each(files)("%s is rejected with its line number", (name) => {
        const expectedLine = Number(/\.line-(\d+)\./.exec(name)?.[1]);
        const text = readFileSync(join(MALFORMED, name), "utf8");
        const error = (() => {
            try {
                parseCpf(text, { source: name });
            } catch (caught) {
                return caught;
            }
            throw new Error(`${name} parsed without error`);
        })();
        expect(error).toBeInstanceOf(CpfSyntaxError);
        const syntaxError = error as CpfSyntaxError;
        expect(syntaxError.line).toBe(expectedLine);
        expect(syntaxError.source).toBe(name);
        expect(syntaxError.text).toBe(text.split(/\r?\n/)[expectedLine - 1]);
        expect(syntaxError.message).toContain(`${name}:${expectedLine}: `);
        expect(syntaxError.message).toContain(JSON.stringify(syntaxError.text));
    });

    it("names the input in the message", () => {
        expect(() => parseCpf("[Startup\n")).toThrow('input:1: malformed section heading: "[Startup"');
    });
});
