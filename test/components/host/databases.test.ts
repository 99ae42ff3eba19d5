/**
 * The readers and rules of sh/databases.sh, run in bash with the rendered values and the tools
 * (`mupip` as the database's owner) replaced by transcripts: what GT.M 7.0-005 printed in the root
 * suite (test/root/databases.test.ts), and YottaDB's names, which no package here can run.
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { databaseHeader } from "../../../components/catalog";
import { validateProfile } from "../../../components/profile";
import { projectRoot } from "../../helpers/example";
import { gtmInput } from "../../helpers/profiles";
import { heldText, render } from "../../helpers/render";

const part = (name: string) => readFileSync(path.join(projectRoot, "components/host/sh", `${name}.sh`), "utf8");

/** Runs test code after the rendered values, lib.sh and databases.sh (which only define functions). */
function bash(script: string, code: string, env: Record<string, string> = {}): string {
    const values = heldText(script).slice(0, heldText(script).indexOf("\n# reads: "));
    return execFileSync("bash", ["-c", `${values}\n${part("lib")}\n${part("databases")}\n${code}`], { encoding: "utf8", env: { PATH: process.env.PATH, ...env } });
}

const gtm = render(validateProfile(gtmInput({ databases: { files: ["/srv/db/a.dat"] } })));
const ydb = render(validateProfile(gtmInput({ product: "yottadb", distribution: { path: "/usr/local/lib/yottadb/r206" }, databases: { files: ["/srv/db/a.dat"] } })));

// What %DUMPFHEAD printed on GT.M 7.0-005 for a journaled BG database (a few of its 566 lines).
const f = databaseHeader.fields;
const header = (journal: string) => [
    `record("${f.accessMethod}")=1`,
    `record("sgmnt_data.freeze")=0`,
    `record("${f.journalFile}")=${journal}_$C(0,0,0,0)`,
    `record("sgmnt_data.jnl_file_len")=11`,
    `record("${f.journalState}")=2`,
    `record("${f.semid}")=9`,
    `record("${f.shmid}")=1`,
].join("\n");

/** Runs read_header with the owner's mupip replaced by a transcript and an exit code; what it set. */
const readHeader = (script: string, transcript: string, rc = 0) =>
    bash(script, `as_db_owner() { printf '%s\\n' "$TRANSCRIPT"; return "$RC"; }
        if read_header 1000 /srv/db/a.dat; then printf '%s|' "$acc" "$jstate" "$jfile" "$shmid" "$semid"; else printf 'failed: %s' "$header_error"; fi`, { TRANSCRIPT: transcript, RC: String(rc) });

describe("database header reading", () => {
    it("takes the access method, journal state and file, and IPC ids from the dump", () => {
        expect(readHeader(gtm, header('"/data/app.mjl"'))).toBe("1|2|/data/app.mjl|1|9|");
        // A quote in the name is doubled inside the M string.
        expect(readHeader(ydb, header('"/data/a""b.mjl"'))).toBe('1|2|/data/a"b.mjl|1|9|');
    });

    it("reports the first line of a failed read, and a dump without the fields as failed", () => {
        expect(readHeader(gtm, "%GTM-E-DBNOTGDS, /srv/db/a.dat - Unrecognized database file format\nmore", 1)).toBe("failed: %GTM-E-DBNOTGDS, /srv/db/a.dat - Unrecognized database file format");
        expect(readHeader(ydb, "%YDB-E-SOMETHING")).toBe(`failed: %YDB-E-SOMETHING (no ${f.accessMethod}/${f.journalState} in the output)`);
    });

    it("runs mupip as the owner with only the product's tool environment (GT.M and YottaDB names)", () => {
        const env = (script: string) => bash(script, 'timeout() { printf "%s\\n" "$@"; }; dist_gid=990; as_db_owner 1000 "$DIST/mupip" dumpfhead -file /srv/db/a.dat').split("\n");
        expect(env(gtm)).toEqual(["-k", "5", "60", "setpriv", "--reuid=1000", "--regid=990", "--clear-groups", "--", "env", "-i", "gtm_dist=/usr/lib/x86_64-linux-gnu/fis-gtm/V7.0-005_x86_64", "gtmroutines=/usr/lib/x86_64-linux-gnu/fis-gtm/V7.0-005_x86_64/libgtmutil.so", "gtm_tmp=/var/lib/gtm_tmp", "/usr/lib/x86_64-linux-gnu/fis-gtm/V7.0-005_x86_64/mupip", "dumpfhead", "-file", "/srv/db/a.dat", ""]);
        expect(env(ydb)).toEqual(["-k", "5", "60", "setpriv", "--reuid=1000", "--regid=990", "--clear-groups", "--", "env", "-i", "ydb_dist=/usr/local/lib/yottadb/r206", "ydb_routines=/usr/local/lib/yottadb/r206/libyottadbutil.so", "ydb_tmp=/var/lib/ydb_tmp", "/usr/local/lib/yottadb/r206/mupip", "dumpfhead", "-file", "/srv/db/a.dat", ""]);
    });

    it("finds the ftok key in what mupip ftok prints on stderr, whatever the file name holds", () => {
        const ftok = (name: string) => `as_db_owner() { printf '%s\\n' '                File ::            Semaphore Id ::        Shared Memory Id ::                FTOK Key ::                             FileId' '------' '  ${name} ::          9 [0x00000009] ::          1 [0x00000001] ::  725419812 [0x2b3d0724] :: 0xc8419800000000002800000000000000' >&2; }; ftok_key 1000 /srv/db/a.dat`;
        expect(bash(gtm, ftok("/data/t.dat"))).toBe("725419812\n");
        expect(bash(gtm, ftok("/data/a b.dat"))).toBe("725419812\n");
        expect(bash(gtm, "as_db_owner() { echo '%GTM-E-DBNOTGDS' >&2; }; ftok_key 1000 /srv/db/a.dat")).toBe("");
    });
});

describe("database permission rules", () => {
    it("mixed access: some class reads without writing while another writes", () => {
        const mixed = (mode: string) => bash(gtm, `if mixed_access ${mode}; then echo yes; else echo no; fi`).trim();
        expect(["640", "644", "664", "604", "0640"].map(mixed)).toEqual(["yes", "yes", "yes", "yes", "yes"]);
        expect(["660", "600", "444", "440", "666", "400"].map(mixed)).toEqual(["no", "no", "no", "no", "no", "no"]);
    });

    it("a shared resource is broader when it reaches others or a group the file does not", () => {
        // dist_gid: the distribution group (990); the database file's group is 100.
        const broader = (mode: string, gid: string, dbMode: string) => bash(gtm, `dist_gid=990; broader_than_db ${mode} ${gid} ${dbMode} 100; printf '%s' "$broader"`);
        expect(broader("660", "100", "640")).toBe("");
        expect(broader("660", "990", "660")).toBe("");
        expect(broader("600", "555", "600")).toBe("");
        expect(broader("666", "100", "660")).toBe("others have access");
        expect(broader("660", "555", "660")).toBe("group 555 has access");
        expect(broader("660", "100", "600")).toBe("group 100 has access");
        expect(broader("777", "555", "660")).toBe("others have access, group 555 has access");
    });
});
