/** How components fail: always a pulumi.ResourceError naming the component, so the engine shows which one. */
import * as pulumi from "@pulumi/pulumi";

/** Runs a pure builder for `resource`; a plain Error it throws becomes the component's ResourceError, message kept. */
export function asResourceError<T>(resource: pulumi.Resource, build: () => T): T {
    try {
        return build();
    } catch (e) {
        if (e instanceof pulumi.ResourceError) throw e;
        throw new pulumi.ResourceError(e instanceof Error ? e.message : String(e), resource);
    }
}
