import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { applyMerge, auditAfterMerge } from "../../../components/iris/apply";
import { renderMergeFile } from "../../../components/iris/merge";
import { auditCpf } from "../../../components/iris/ports";
import { projectRoot } from "../../helpers/example";
import { iris } from "../../helpers/profiles";

const fixture = (name: string) => readFileSync(join(projectRoot, "test", "fixtures", "cpf", name), "utf8");

describe("applyMerge", () => {
    it("sets each parameter where the CPF keeps it and keeps the rest of the file's bytes", () => {
        const cpf = "; kept\r\n[Startup]\r\nDefaultPort=51773 ; moved\r\nWebServer=1\r\n\r\n[config]\r\nMaxServers=2\r\n";
        const merge = "[Startup]\nDefaultPort=1972\n[config]\nMaxServerConn=0\n[LicenseServers]\nLS=10.2.0.10,4002\n";
        expect(applyMerge(cpf, merge)).toEqual({
            cpf: "; kept\r\n[Startup]\r\nDefaultPort=1972 ; moved\r\nWebServer=1\r\n\r\n[config]\r\nMaxServers=2\r\nMaxServerConn=0\r\n\r\n[LicenseServers]\r\nLS=10.2.0.10,4002\r\n",
            outsideCpf: [],
            notPredicted: [],
        });
    });

    it("returns the service switches apart (not in a CPF) and every other action as not predicted", () => {
        const applied = applyMerge("[Startup]\nDefaultPort=1972\n", fixture("merge-iris-fhir-template.cpf"));
        const operations = (actions: readonly { operation: string }[]) => actions.map((a) => a.operation);
        expect(operations(applied.outsideCpf)).toEqual(["ModifyService"]);
        expect(operations(applied.notPredicted)).toEqual(["CreateNamespace", "CreateMapPackage", "CreateResource", "CreateDatabase", "CreateResource", "CreateDatabase", "CreateNamespace"]);
        expect(applied.cpf).toBe("[Startup]\nDefaultPort=1972\n");
    });

    it("the profile's merge file: its exact result on a self-made CPF, its service switches outside it", () => {
        const profile = iris({ iris: { version: "2024.1" } });
        const applied = applyMerge(fixture("self-2024.1-external-web-server.cpf"), renderMergeFile(profile));
        expect(applied.cpf).toBe(`; Self-made for mdb-hardening (see SOURCES.md): an IRIS 2024.1 instance whose portal is served by an
; external web server; from 2023.2 WebServer=0 with a port names that server's port.
[Startup]
DefaultPort=1972
WebServer=0
WebServerPort=80 ; the external web server (Web Gateway)

[config]
MaxServers=0
MaxServerConn=0

[LicenseServers]
MDB_10_2_0_10=10.2.0.10,4002
`);
        expect(applied.outsideCpf.map((a) => a.properties.map((p) => `${p.name}=${p.value}`).join(","))).toEqual([
            "Name=%Service_ECP,Enabled=0", "Name=%Service_Mirror,Enabled=0", "Name=%Service_Monitor,Enabled=0", "Name=%Service_Telnet,Enabled=0",
        ]);
        expect(applied.notPredicted).toEqual([]);
    });

    it("a lockdown merge file: the same CPF, its service switches and the _SYSTEM change outside it", () => {
        const cpf = fixture("self-2024.1-external-web-server.cpf");
        const plain = applyMerge(cpf, renderMergeFile(iris({ iris: { version: "2024.1" } })));
        const locked = applyMerge(cpf, renderMergeFile(iris({ iris: { version: "2024.1", lockdown: true } })));
        expect(locked.cpf).toBe(plain.cpf);
        expect(locked.outsideCpf.map((a) => `${a.operation}:${a.properties.map((p) => `${p.name}=${p.value}`).join(",")}`)).toEqual([
            "ModifyService:Name=%Service_Bindings,Enabled=1",
            "ModifyService:Name=%Service_CacheDirect,Enabled=0",
            "ModifyService:Name=%Service_CallIn,Enabled=0",
            "ModifyService:Name=%Service_ComPort,Enabled=0",
            "ModifyService:Name=%Service_ECP,Enabled=0",
            "ModifyService:Name=%Service_Mirror,Enabled=0",
            "ModifyService:Name=%Service_Monitor,Enabled=0",
            "ModifyService:Name=%Service_Telnet,Enabled=0",
            "ModifyUser:Name=_SYSTEM,Enabled=0",
        ]);
        expect(locked.notPredicted).toEqual([]);
    });

    it("predicts what the audit still finds after the merge", () => {
        const profile = iris({ iris: { version: "2024.1" } });
        const cpf = fixture("self-2024.1-external-web-server.cpf");
        expect(auditCpf(profile, cpf).map((d) => d.field)).toEqual(["network.ingress", "network.licenseServers"]);
        // The license server entry is the merge file's to add; the external web server's port is not its to change.
        expect(auditAfterMerge(profile, cpf).map((d) => d.field)).toEqual(["network.ingress"]);
    });

    it("names the input of a merge file that is not a CPF", () => {
        expect(() => applyMerge("[Startup]\n", "[Startup]\nDefaultPort 1972\n", { merge: "merge.cpf" })).toThrow('merge.cpf:2: expected key=value: "DefaultPort 1972"');
    });
});
