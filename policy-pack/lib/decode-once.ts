/**
 * One decoding of a resource's properties per engine request, shared by every policy.
 *
 * `@pulumi/policy`'s analyzer turns the protobuf Struct of a resource into plain values anew for each policy it
 * calls: an Analyze request is decoded once per resource policy (22 here), an AnalyzeStack request, every
 * resource of the stack, once per stack policy (28). The values are the same each time, and no policy changes
 * them: the manifest checker already hands every policy the same object per resource. Decoding once also lets
 * the policies share the work keyed by that object (`toObject`'s normalised view, its scan for unknowns).
 */

/** The analyzer's decoding function (`@pulumi/policy/deserialize`, internal: absent from its typings). */
export type DeserializeProperties = (struct: object, proxySecrets: boolean) => Record<string, unknown>;

/** The module the analyzer calls the decoding function through, at each call. */
export interface DeserializeModule {
    deserializeProperties: DeserializeProperties;
}

/**
 * Makes `mod.deserializeProperties` decode each Struct once and return that same object afterwards, for as
 * long as the request holds the Struct. Calls that keep secrets wrapped (remediations, whose results are sent
 * back and may be changed) and calls without a Struct go to the analyzer's function each time.
 */
export function decodeOnce(mod: DeserializeModule): void {
    const decode = mod.deserializeProperties;
    const decoded = new WeakMap<object, Record<string, unknown>>();
    mod.deserializeProperties = (struct, proxySecrets) => {
        if (proxySecrets || typeof struct !== "object" || struct === null) return decode(struct, proxySecrets);
        let props = decoded.get(struct);
        if (props === undefined) {
            props = decode(struct, proxySecrets);
            decoded.set(struct, props);
        }
        return props;
    };
}
