/** The hardening profile: its model, how it is read and validated. */
export * from "./model";
export { parseProfile, readProfileFile, validateProfile } from "./read";
