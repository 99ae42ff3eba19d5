/**
 * The CLI's command table: synopsis, what each does, an example and its exit codes. `--help` is
 * printed from it, and the README's CLI section is checked against it (test/bin/commands.test.ts).
 */
export interface Command {
    /** Arguments after the command name. */
    readonly synopsis: string;
    /** How many files it takes; undefined: one or more. */
    readonly files?: number;
    readonly does: string;
    readonly example: string;
    /** The options it takes (besides --help). */
    readonly options?: readonly string[];
    /** Its exit codes, when they differ from the others'. */
    readonly exits?: string;
}

export const commands: Readonly<Record<string, Command>> = {
    check: { synopsis: "<profile.yaml>...", does: "validate profiles and print each error with its field and value (exit 1 on any)", example: "mdb-hardening check profiles/*.yaml" },
    rules: { synopsis: "<profile.yaml>", files: 1, does: "print the network rules derived from a profile (JSON)", example: "mdb-hardening rules profiles/yottadb.yaml" },
    plan: { synopsis: "<profile.yaml> [--os-family debian|rhel]", files: 1, options: ["os-family"], does: "print the hardening plan the components register as `hardening` (JSON)", example: "mdb-hardening plan profiles/yottadb.yaml --os-family rhel" },
    render: { synopsis: "<profile.yaml> [--os-family debian|rhel]", files: 1, options: ["os-family"], does: "print exactly the host script the components run as root", example: "mdb-hardening render profiles/yottadb.yaml > host.sh" },
    merge: { synopsis: "<profile.yaml>", files: 1, does: "print the IRIS configuration merge file of an IRIS database profile", example: "mdb-hardening merge iris.yaml > merge.cpf" },
    "audit-cpf": { synopsis: "<profile.yaml> <iris.cpf>", files: 2, does: "print how an instance's iris.cpf deviates from the profile, each marked where the profile's merge file settles it (exit 1 on any), then what iris.lockdown leaves to do by hand", example: "mdb-hardening audit-cpf iris.yaml /usr/irissys/iris.cpf" },
    audit: {
        synopsis: "<profile.yaml> (--ssh user@host[:port] [--identity FILE] | --local) [--format text|json|junit|sarif] [--output FILE] [--os-family debian|rhel]",
        files: 1,
        options: ["ssh", "identity", "local", "format", "output", "os-family"],
        does: "run the profile's host script in check mode (it changes nothing) over one SSH session with the system OpenSSH client (BatchMode; the port defaults to the profile's network.sshPort; a user other than root runs it through sudo -n), or on this machine with --local,"
            + " and report one result per control and item: pass, fail, would-change, waived or error, with the control's title, severity and source (--format text, the default; json, its schema in the package's schemas/audit-report.schema.json; junit; sarif 2.1.0); to --output or stdout, the text summary also on stderr beside another format",
        example: "mdb-hardening audit profiles/yottadb.yaml --ssh admin@10.20.2.10 --format sarif --output audit.sarif",
        exits: "Exit codes: 0 compliant, 1 would-change or unwaived findings, 2 usage error, 3 could not check (the profile is invalid, ssh failed, the script refused with an error line or printed no summary, a report line names an unknown control, or --output cannot be written).",
    },
    "policy-report": {
        synopsis: "<events.ndjson> [--output FILE] [--format junit|text] [--fail-on mandatory|advisory] [--pack NAME]",
        files: 1,
        options: ["output", "format", "fail-on", "pack"],
        does: "turn the event log of `pulumi preview --policy-pack ... --event-log FILE` into JUnit XML (a test case per violating policy and resource, one per policy without violations; to --output or stdout) and a summary (stderr; stdout with --format text);"
            + " violations below --fail-on (default mandatory) are <skipped>, not <failure>; --pack names the pack (default mdb-hardening) whose policies without violations come from this module's list when the log has no policy summary events",
        example: "mdb-hardening policy-report events.ndjson --output junit.xml",
        exits: "Exit codes: 0 no violation at or above --fail-on, 1 such violations, 2 usage error, 3 the event log cannot be read or shows no complete policy run (the report is still written when the run ended on an error other than a policy), or --output cannot be written.",
    },
};

/** The exit codes of the commands that do not list their own. */
export const exitCodes = "Exit codes: 0 done, 1 invalid input or deviations found, 2 usage error.";
