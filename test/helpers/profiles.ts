/** Profiles used across tests: small, valid, and easy to vary with `with`. */
import { validateProfile, type HostProfile } from "../../components/profile";

export const admin = "10.9.0.0/24";
export const apps = "10.1.0.0/24";
export const licenseServer = "10.2.0.10/32";

export function irisInput(overrides: Record<string, unknown> = {}): Record<string, unknown> {
    return {
        name: "iris-1",
        product: "iris",
        environment: "production",
        network: { adminCidrs: [admin], appClients: [apps], licenseServers: [licenseServer] },
        ...overrides,
    };
}

export function gtmInput(overrides: Record<string, unknown> = {}): Record<string, unknown> {
    return {
        name: "gtm-1",
        product: "gtm",
        environment: "production",
        distribution: { path: "/usr/lib/x86_64-linux-gnu/fis-gtm/V7.0-005_x86_64", members: ["alice"] },
        network: { adminCidrs: [admin] },
        ...overrides,
    };
}

export function iris(overrides: Record<string, unknown> = {}): HostProfile {
    return validateProfile(irisInput(overrides));
}
