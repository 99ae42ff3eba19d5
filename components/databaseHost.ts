import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { gzipSync } from "node:zlib";
import { componentTypes, databaseHostRole, defaultOsFamily, ec2UserDataLimitBytes, hostTags, type OsFamily } from "./catalog";
import { componentOptions } from "./componentOptions";
import { checkConnection, type SshLogin } from "./host/connection";
import { HostHardening, type HostSummary } from "./host/hostHardening";
import { renderHostScript, scriptDigest } from "./host/script";
import { hardeningOutput, hardeningPlan, type HardeningOutput, type HardeningPlan } from "./plan";
import { validateProfile, type HostProfile, type HostProfileInput } from "./profile";
import { pausePromiseStacks } from "./promiseStacks";
import type { NetworkRule } from "./rules";
import { DatabaseSecurityGroup } from "./securityGroup";
import { checkOsFamily, Issues } from "./validate";

export interface DataVolume {
    /** Device name, `/dev/sdf` … `/dev/sdp`. */
    readonly deviceName: string;
    /** Size in GiB. */
    readonly sizeGb: number;
}

export interface DatabaseHostArgs {
    /** The host's hardening profile (validated before anything is created). */
    readonly profile: HostProfile | HostProfileInput;
    readonly vpcId: pulumi.Input<string>;
    /** A private subnet: the instance never gets a public address, so it should not be in a public one. */
    readonly subnetId: pulumi.Input<string>;
    /** AMI of a Debian/Ubuntu or RHEL-family image (`osFamily` says which). */
    readonly ami: pulumi.Input<string>;
    /** Default `m6i.large`. */
    readonly instanceType?: pulumi.Input<string>;
    /** Fixed private address, so peers' profiles can name it. */
    readonly privateIp?: pulumi.Input<string>;
    readonly keyName?: pulumi.Input<string>;
    readonly iamInstanceProfile?: pulumi.Input<string>;
    /** Root volume size in GiB (default 30). Always encrypted. */
    readonly rootVolumeSizeGb?: number;
    /** Extra EBS volumes for databases and journals. Always encrypted. */
    readonly dataVolumes?: readonly DataVolume[];
    /** KMS key for the volumes (default: the account's EBS key). */
    readonly kmsKeyId?: pulumi.Input<string>;
    /** Distribution family of the image, for unit names (default `debian`). */
    readonly osFamily?: OsFamily;
    /**
     * SSH access (through `proxy`, a bastion, if needed) to apply the hardening on every `up`
     * where the profile changed. Without it the host script runs once, as user data at first boot.
     */
    readonly connection?: SshLogin;
    /** With `connection`: check the host for drift at every preview and update (default true; README "Drift in preview and up"). */
    readonly detectDrift?: boolean;
    readonly tags?: Record<string, string>;
}

/** A DatabaseHost's validated arguments, plan and script: made before anything registers, so bad input registers nothing. */
export interface DatabaseHostPlan {
    readonly args: DatabaseHostArgs;
    readonly plan: HardeningPlan;
    readonly script: string;
    /** The script as the instance's user data: gzip-compressed (cloud-init runs it so), base64-encoded. */
    readonly userDataBase64: string;
}

export function planDatabaseHost(name: string, args: DatabaseHostArgs): DatabaseHostPlan {
    const profile = validateProfile(args.profile, `${name}: profile`);
    checkHostArgs(name, args);
    const plan = hardeningPlan(profile, args.osFamily ?? defaultOsFamily);
    const script = renderHostScript(plan);
    return { args, plan, script, userDataBase64: userDataOf(name, profile.name, script) };
}

/** The user data of a script, refused here: EC2 would refuse it at launch, after the security group was created. */
function userDataOf(name: string, profileName: string, script: string): string {
    const userData = gzipSync(script);
    if (userData.length > ec2UserDataLimitBytes) {
        const issues = new Issues();
        issues.fail("profile", profileName, `makes a host script of ${script.length} bytes, ${userData.length} gzip-compressed: over EC2's user-data limit of ${ec2UserDataLimitBytes} bytes. Switch off parts this host does not need, or harden an instance made elsewhere with ExistingHost (over SSH, no limit)`);
        issues.throwIfAny(`${name}: user data`);
    }
    return userData.toString("base64");
}

/** A DatabaseHost's children under `parent`, and the outputs it registers (both DatabaseHost classes build it so). */
export function buildDatabaseHost(parent: pulumi.Resource, name: string, { args, plan, script, userDataBase64 }: DatabaseHostPlan) {
    const { profile } = plan;
    const tags = {
        [hostTags.role]: databaseHostRole,
        [hostTags.product]: profile.product,
        [hostTags.environment]: profile.environment,
        [hostTags.profile]: profile.name,
        ...args.tags,
    };
    const securityGroup = new DatabaseSecurityGroup(`${name}-sg`, { plan, vpcId: args.vpcId, tags }, { parent });
    const instance = new aws.ec2.Instance(
        name,
        {
            ami: args.ami,
            instanceType: args.instanceType ?? "m6i.large",
            subnetId: args.subnetId,
            privateIp: args.privateIp,
            associatePublicIpAddress: false,
            vpcSecurityGroupIds: [securityGroup.securityGroupId],
            keyName: args.keyName,
            iamInstanceProfile: args.iamInstanceProfile,
            metadataOptions: { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1 },
            rootBlockDevice: { encrypted: true, volumeType: "gp3", volumeSize: args.rootVolumeSizeGb ?? 30, kmsKeyId: args.kmsKeyId },
            ebsBlockDevices: (args.dataVolumes ?? []).map((v) => ({
                deviceName: v.deviceName,
                volumeSize: v.sizeGb,
                volumeType: "gp3",
                encrypted: true,
                kmsKeyId: args.kmsKeyId,
            })),
            // cloud-init runs a gzip-compressed script as root at first boot; uncompressed it would exceed EC2's 16 KB (before base64) limit.
            userDataBase64,
            volumeTags: tags,
            tags: { Name: name, ...tags },
        },
        // User data only runs at first boot, and changing it stops the instance: later changes go over SSH.
        { parent, ignoreChanges: ["userDataBase64"] },
    );
    const hostHardening = args.connection
        ? new HostHardening(`${name}-hardening`, { plan, script, connection: { ...args.connection, host: instance.privateIp }, detectDrift: args.detectDrift }, { parent, dependsOn: [instance] })
        : undefined;
    if (!hostHardening) pulumi.log.info(`${name}: drift not checked: no connection (the host script runs once, as user data; hardening.schedule keeps checking on the host)`, parent);
    const hardening = hardeningOutput(plan);
    const digest = hostHardening?.scriptDigest ?? scriptDigest(script);
    return {
        plan,
        instance,
        securityGroup,
        hostHardening,
        hardening,
        scriptDigest: digest,
        outputs: {
            instanceId: instance.id,
            privateIp: instance.privateIp,
            securityGroupId: securityGroup.securityGroupId,
            hardening,
            scriptDigest: digest,
            ...(hostHardening ? { summary: hostHardening.summary } : {}),
        },
    };
}

/**
 * An EC2 database host: private address only, IMDSv2 required, encrypted volumes, the
 * profile's security group, and tags that identify it as a database host for policies.
 */
export class DatabaseHost extends pulumi.ComponentResource {
    readonly instance: aws.ec2.Instance;
    readonly securityGroup: DatabaseSecurityGroup;
    readonly instanceId: pulumi.Output<string>;
    readonly privateIp: pulumi.Output<string>;
    readonly securityGroupId: pulumi.Output<string>;
    readonly rules: readonly NetworkRule[];
    /** What the hardening does to this host (see plan.ts). */
    readonly hardening: HardeningOutput;
    /** Digest of the host script (user data and, with `connection`, the SSH run). */
    readonly scriptDigest: string;
    /** With `connection`: the host script's last run over SSH. */
    readonly hostHardening?: HostHardening;
    readonly summary?: pulumi.Output<HostSummary>;

    constructor(name: string, args: DatabaseHostArgs, opts?: pulumi.ComponentResourceOptions) {
        const planned = planDatabaseHost(name, args);
        const resume = pausePromiseStacks();
        try {
            super(componentTypes.databaseHost, name, {}, componentOptions("databaseHost", opts));
            const built = buildDatabaseHost(this, name, planned);
            this.instance = built.instance;
            this.securityGroup = built.securityGroup;
            this.instanceId = built.instance.id;
            this.privateIp = built.instance.privateIp;
            this.securityGroupId = built.securityGroup.securityGroupId;
            this.rules = built.plan.rules;
            this.hardening = built.hardening;
            this.scriptDigest = built.scriptDigest;
            this.hostHardening = built.hostHardening;
            this.summary = built.hostHardening?.summary;
            this.registerOutputs(built.outputs);
        } finally {
            resume();
        }
    }
}

function checkHostArgs(name: string, args: DatabaseHostArgs): void {
    const issues = new Issues();
    const size = (field: string, value: unknown, min: number) => {
        if (!(typeof value === "number" && Number.isInteger(value) && value >= min && value <= 65536)) {
            issues.fail(field, value, `must be a whole number of GiB between ${min} and 65536`);
        }
    };
    if (args.rootVolumeSizeGb !== undefined) size("rootVolumeSizeGb", args.rootVolumeSizeGb, 8);
    const devices = new Set<string>();
    (args.dataVolumes ?? []).forEach((v, i) => {
        if (!/^\/dev\/(sd|xvd)[f-p]$/.test(v.deviceName)) issues.fail(`dataVolumes[${i}].deviceName`, v.deviceName, "must be /dev/sdf … /dev/sdp (or /dev/xvdf … /dev/xvdp)");
        if (devices.has(v.deviceName)) issues.fail(`dataVolumes[${i}].deviceName`, v.deviceName, "is used by another data volume");
        devices.add(v.deviceName);
        size(`dataVolumes[${i}].sizeGb`, v.sizeGb, 1);
    });
    if (args.osFamily !== undefined) checkOsFamily(issues, "osFamily", args.osFamily);
    if (args.connection) checkConnection(issues, args.connection);
    issues.throwIfAny(`${name}: arguments`);
}
