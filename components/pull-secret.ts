/**
 * The registry's pull secret, created by the component that owns a namespace that pulls (config/registry.ts):
 * the stack creates most of those namespaces itself, so nobody could put the secret there before the pods.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

/** The pull secret a namespace's owner creates: its name (`istio.imagePullSecrets`) and the Docker config.json. */
export interface PullSecretArgs {
    name: string;
    /** The `.dockerconfigjson` content, a Pulumi secret (`istio-mesh:registryPullSecret`). */
    dockerConfigJson: pulumi.Input<string>;
}

/** Creates the pull secret in `namespace` as a child `${owner}-pull-secret` of `parent`, after `dependsOn`. */
export function pullSecret(
    owner: string,
    namespace: pulumi.Input<string>,
    args: PullSecretArgs,
    parent: pulumi.Resource,
    dependsOn: pulumi.Input<pulumi.Resource>[] = [],
): k8s.core.v1.Secret {
    return new k8s.core.v1.Secret(
        `${owner}-pull-secret`,
        {
            metadata: { name: args.name, namespace, labels: { "app.kubernetes.io/part-of": "istio-mesh" } },
            type: "kubernetes.io/dockerconfigjson",
            stringData: { ".dockerconfigjson": pulumi.secret(args.dockerConfigJson) },
        },
        { parent, dependsOn },
    );
}
