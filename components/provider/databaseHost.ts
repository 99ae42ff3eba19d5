import * as pulumi from "@pulumi/pulumi";
import { componentTypes, type OsFamily } from "../catalog";
import { componentOptions } from "../componentOptions";
import { buildDatabaseHost, planDatabaseHost, type DatabaseHostArgs as ApiArgs, type DataVolume } from "../databaseHost";
import type { SshLogin } from "../host/connection";
import { parseProfile } from "../profile";
import { pausePromiseStacks } from "../promiseStacks";

export interface DatabaseHostArgs {
    /** The host's hardening profile as YAML text: a profile file's content (JSON is YAML too). Validated before anything is created; every problem is reported with its field and value. */
    readonly profile: string;
    /** The VPC of the instance's security group. */
    readonly vpcId: pulumi.Input<string>;
    /** A private subnet: the instance never gets a public address, so it should not be in a public one. */
    readonly subnetId: pulumi.Input<string>;
    /** AMI of a Debian/Ubuntu or RHEL-family image (`osFamily` says which). */
    readonly ami: pulumi.Input<string>;
    /** EC2 instance type (default `m6i.large`). */
    readonly instanceType?: pulumi.Input<string>;
    /** Fixed private address, so peers' profiles can name it. */
    readonly privateIp?: pulumi.Input<string>;
    /** EC2 key pair name. */
    readonly keyName?: pulumi.Input<string>;
    /** IAM instance profile name. */
    readonly iamInstanceProfile?: pulumi.Input<string>;
    /** Root volume size in GiB (default 30). Always encrypted. */
    readonly rootVolumeSizeGb?: number;
    /** Extra EBS volumes for databases and journals. Always encrypted. */
    readonly dataVolumes?: DataVolume[];
    /** KMS key for the volumes (default: the account's EBS key). */
    readonly kmsKeyId?: pulumi.Input<string>;
    /** Distribution family of the image, for unit names (default `debian`). */
    readonly osFamily?: OsFamily;
    /** SSH access (through `proxy`, a bastion, if needed) to apply the hardening on every `up` where the profile changed. Without it the host script runs once, as user data at first boot. */
    readonly connection?: SshLogin;
    /** Check on every `up` whether the host drifted from its profile, and re-apply when it did (needs `connection`). */
    readonly detectDrift?: boolean;
    /** Extra tags for the instance, its volumes and its security group. */
    readonly tags?: { [key: string]: string };
}

/** The TypeScript component's arguments: the profile parsed, the rest as given. */
export function databaseHostArgs(name: string, args: DatabaseHostArgs): ApiArgs {
    const { profile, ...rest } = args;
    return { ...rest, profile: parseProfile(profile, `${name}: profile`) };
}

/**
 * An EC2 database host: private address only, IMDSv2 required, encrypted volumes, the
 * profile's security group, the host script as user data (and over SSH with `connection`), and
 * the tags the policies find database hosts by. The multi-language form of `DatabaseHost`: the
 * same component, with the profile as YAML text.
 */
export class DatabaseHost extends pulumi.ComponentResource {
    /** The EC2 instance id. */
    readonly instanceId: pulumi.Output<string>;
    /** The instance's private address. */
    readonly privateIp: pulumi.Output<string>;
    /** The id of the instance's security group. */
    readonly securityGroupId: pulumi.Output<string>;
    // Records with unions in them, which the schema carries only as Any.
    /** The hardening plan (profile, parts, network rules): what the stack policies read. */
    readonly hardening: any;
    /** SHA-256 of the host script (user data and, with `connection`, the SSH run). */
    readonly scriptDigest: string;
    /** With `connection`: what the host script changed and found on its last run over SSH. */
    readonly summary?: any;

    constructor(name: string, args: DatabaseHostArgs, opts?: pulumi.ComponentResourceOptions) {
        const planned = planDatabaseHost(name, databaseHostArgs(name, args));
        const resume = pausePromiseStacks();
        try {
            super(componentTypes.databaseHost, name, {}, componentOptions("databaseHost", opts));
            const built = buildDatabaseHost(this, name, planned);
            this.instanceId = built.outputs.instanceId;
            this.privateIp = built.outputs.privateIp;
            this.securityGroupId = built.outputs.securityGroupId;
            this.hardening = built.outputs.hardening;
            this.scriptDigest = built.outputs.scriptDigest;
            this.summary = built.hostHardening?.summary;
            this.registerOutputs(built.outputs);
        } finally {
            resume();
        }
    }
}
