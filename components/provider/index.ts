/**
 * The components as the multi-language package serves them (`pulumi package add`): the same
 * components as the TypeScript API, with arguments the SDK's schema inference accepts.
 */
export { DatabaseHost, type DatabaseHostArgs } from "./databaseHost";
export { ExistingHost, type ExistingHostArgs } from "./existingHost";
export { DatabaseSecurityGroup, type DatabaseSecurityGroupArgs } from "./securityGroup";
