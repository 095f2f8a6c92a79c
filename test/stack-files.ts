/**
 * The project's own stack files as the program sees them after the one-time setup the files ask for:
 * prod's secrets are not in its file (a fresh clone's preview stops and names them), so the tests set them
 * as `pulumi config set --secret` would.
 */
import * as path from "path";
import { readStackFile } from "../bin/config-check";
import { REPO_ROOT, runProgram, Stack } from "./mocks";

/** What `pulumi config set --secret` adds to a fresh clone's stack before its first preview. */
export const STACK_SECRETS: Record<string, Record<string, string>> = {
    prod: { kialiOidcClientSecret: "kiali-client-secret", registryPullSecret: '{"auths":{"harbor.example.com":{"auth":"dXNlcjpwYXNz"}}}' },
};

/** A stack file's `istio-mesh:*` config with the stack's secrets set. */
export function stackConfig(name: string): Record<string, unknown> {
    return { ...readStackFile(path.join(REPO_ROOT, `Pulumi.${name}.yaml`)), ...(STACK_SECRETS[name] ?? {}) };
}

/** Runs the program over a project stack, its secrets set as Pulumi secrets. */
export function runStack(name: string): Promise<Stack> {
    return runProgram(stackConfig(name), { stack: name, secretKeys: Object.keys(STACK_SECRETS[name] ?? {}) });
}

export const PROD_SECRETS_FOR_TESTS = STACK_SECRETS.prod;
