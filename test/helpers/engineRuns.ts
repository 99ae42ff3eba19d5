/**
 * Successive program runs as the engine sees them, for the drift tests: each run is a fresh program
 * under mocks whose remote.Command "provider" keeps state between runs as the engine does — it plans
 * an update when the command's inputs differ from the stored ones and, outside a preview, runs the
 * command on the host over SSH (one session, as @pulumi/command does). During a preview a command
 * that will run has unknown outputs, as the engine reports them.
 */
import * as pulumi from "@pulumi/pulumi";
import type { HostSummary } from "../../components";
import { runOverSsh, type SshTarget } from "../../components/host/ssh";
import { reveal } from "./mocks";

interface Stored {
    readonly create: string;
    readonly stdin: string;
    readonly stdout: string;
}

export interface RunResult {
    /** Commands whose inputs differ from the state: an update the engine would show. */
    readonly planned: string[];
    /** Undefined when the engine would not know it yet (a preview of a command that will run). */
    readonly summary: HostSummary | undefined;
}

/** The value the engine sends for an output not known during a preview. */
export const unknownValue = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

export class EngineRuns {
    private readonly state = new Map<string, Stored>();

    /** `host` is where the simulated command provider runs the commands. */
    constructor(private readonly host: SshTarget) {}

    /** The stored `create` of a command (what the state holds). */
    storedCreate(name: string): string | undefined {
        return this.state.get(name)?.create;
    }

    /** One program run: `program` builds the components and returns the summary to watch. */
    async run(preview: boolean, program: () => pulumi.Output<HostSummary>): Promise<RunResult> {
        const planned: string[] = [];
        await pulumi.runtime.setMocks(
            {
                newResource: async (args) => {
                    if (args.type !== "command:remote:Command") return { id: `${args.name}-id`, state: args.inputs };
                    const create = reveal(args.inputs.create) as string;
                    const stdin = reveal(args.inputs.stdin) as string;
                    let stored = this.state.get(args.name);
                    if (!stored || stored.create !== create || stored.stdin !== stdin) {
                        planned.push(args.name);
                        if (!preview) {
                            const result = await runOverSsh(this.host, create, stdin, 300_000);
                            if (result.code !== 0) throw new Error(`${create} exited ${result.code}: ${result.stderr}`);
                            stored = { create, stdin, stdout: result.stdout };
                            this.state.set(args.name, stored);
                        }
                    }
                    const stdout = planned.includes(args.name) && preview ? unknownValue : stored!.stdout;
                    return { id: `${args.name}-id`, state: { ...args.inputs, stdout, stderr: "" } };
                },
                call: () => ({}),
            },
            "mdb-hardening",
            "drift",
            preview,
        );
        let summary: HostSummary | undefined;
        program().apply((known) => (summary = known));
        // Waits for every registration, the components' outputs included.
        await pulumi.runtime.disconnect();
        return { planned, summary };
    }
}
