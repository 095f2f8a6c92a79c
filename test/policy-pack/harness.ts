/**
 * Fake engine arguments for the pack's policies: ResourceValidationArgs and StackValidationArgs shaped as the
 * analyzer server builds them, with getConfig returning the policy's configSchema defaults merged with the
 * test's overrides (as the CLI does), and optionally props wrapped in the engine's unknown-checking proxy.
 */
import type { Policy, PolicyResource, ResourceValidationArgs, ResourceValidationPolicy, StackValidationArgs, StackValidationPolicy } from "@pulumi/policy";
import * as path from "path";
import { loadFile } from "../../policy-pack/checker/load";
import { Obj, typeTokenOf } from "../../policy-pack/lib/k8s";
import { schemaDefaults } from "../../policy-pack/lib/policy";
import { policies } from "../../policy-pack/policies";

export const FIXTURES = path.join(__dirname, "fixtures");

/** The engine's unknown-checking proxy: internal to @pulumi/policy (absent from its typings), used as the engine uses it. */
const { unknownCheckingProxy } = require("@pulumi/policy/proxy") as { unknownCheckingProxy<T extends object>(v: T): T };

/** A Kubernetes object as a Pulumi resource: type token, props, URN. */
export interface FakeResource {
    type: string;
    props: Obj;
    urn: string;
    name: string;
}

let counter = 0;

/** Wraps a manifest object as the engine presents a resource (`preview` wraps props in the unknown-checking proxy). */
export function resource(obj: Obj, preview = false): FakeResource {
    const type = typeTokenOf(obj.apiVersion, obj.kind);
    const name = obj.metadata?.name ?? `r${counter}`;
    return { type, props: preview ? unknownCheckingProxy(obj) : obj, urn: `urn:pulumi:test::istio-mesh::${type}::${name}-${counter++}`, name };
}

function getConfig(p: Policy, overrides: Obj) {
    return <T>() => ({ ...schemaDefaults(p.configSchema), ...overrides }) as T;
}

const opts = {
    protect: false,
    ignoreChanges: [],
    aliases: [],
    customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
    additionalSecretOutputs: [],
};

function notApplicable(reason?: string): never {
    throw new Error(`notApplicable: ${reason}`);
}

/** The arguments the engine passes to `validateResource`. */
export function resourceArgs(p: Policy, r: FakeResource, overrides: Obj = {}): ResourceValidationArgs {
    return {
        type: r.type,
        props: r.props,
        urn: r.urn,
        name: r.name,
        opts,
        stackTags: new Map(),
        isType: () => false,
        asType: () => undefined,
        getConfig: getConfig(p, overrides),
        notApplicable,
    };
}

/** The arguments the engine passes to `validateStack`. */
export function stackArgs(p: Policy, rs: FakeResource[], overrides: Obj = {}): StackValidationArgs {
    const resources: PolicyResource[] = rs.map((r) => ({
        type: r.type,
        props: r.props,
        urn: r.urn,
        name: r.name,
        opts,
        dependencies: [],
        propertyDependencies: {},
        isType: () => false,
        asType: () => undefined,
    }));
    return { resources, stackTags: new Map(), getConfig: getConfig(p, overrides), notApplicable };
}

/** The policy of the pack with this name. */
export function policy(name: string): Policy {
    const p = policies.find((x) => x.name === name);
    if (!p) throw new Error(`no policy ${name}`);
    return p;
}

/** Runs one policy over objects like the engine: a resource policy on each, a stack policy on all. Returns the messages. */
export function run(name: string, objs: Obj[], overrides: Obj = {}, preview = false): string[] {
    const p = policy(name);
    const rs = objs.map((o) => resource(o, preview));
    const messages: string[] = [];
    if ("validateStack" in p) {
        (p as StackValidationPolicy).validateStack(stackArgs(p, rs, overrides), (m: string) => messages.push(m));
    } else {
        const fns = (p as ResourceValidationPolicy).validateResource!;
        for (const r of rs) {
            for (const fn of Array.isArray(fns) ? fns : [fns]) fn(resourceArgs(p, r, overrides), (m: string) => messages.push(m));
        }
    }
    return messages;
}

/** Objects of a fixture file (`fixtures/<policy>/<file>`). */
export function fixture(policyName: string, file: string): Obj[] {
    return loadFile(path.join(FIXTURES, policyName, file)).map((r) => r.props);
}
