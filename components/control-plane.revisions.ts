/**
 * The istiod releases of a control plane, one per revision, as pure data: Pulumi names, Helm release
 * names, chart references and values. Kept apart from the component so that further per-revision values
 * (e.g. the CNI's) merge by mapping over the releases.
 */
import type { ControlPlaneConfig } from "../config/control-plane";
import type { IstioConfig } from "../config/istio";
import { byVersion, DEFAULT_REVISION, defaultRevisionOf, RevisionConfig } from "../config/revisions";
import { ChartRef, chartRef, mergeValues } from "./chart-source";
import { istiodValues, MeshSettings } from "./control-plane.values";

export interface IstiodRelease {
    revision: RevisionConfig;
    /** The Chart resource's Pulumi name. */
    resourceName: string;
    /** The Helm release name (`istiod` or `istiod-<revision>`). */
    releaseName: string;
    chart: ChartRef;
    /**
     * The prefix of the rendered objects' Pulumi names. Shared by every revision, so an object keeps its
     * URN when it moves between revisions (a tag's webhook) or when the stack moves to the revisions form.
     */
    resourcePrefix?: string;
    /** Earlier Pulumi names of the Chart resource. */
    aliases: string[];
    values: Record<string, unknown>;
}

/** The chart revision value: none for Istio's default (unrevisioned) control plane. */
export function chartRevision(name: string): string | undefined {
    return name === DEFAULT_REVISION ? undefined : name;
}

export function istiodReleases(name: string, istio: IstioConfig, controlPlane: ControlPlaneConfig, mesh: MeshSettings): IstiodRelease[] {
    const ordered = byVersion(istio.revisions);
    return ordered.map((rev, i) => {
        const revision = chartRevision(rev.name);
        const tags = Object.keys(istio.tags).filter((t) => istio.tags[t] === rev.name);
        let values = istiodValues({
            namespace: istio.namespace,
            revision,
            hub: rev.hub,
            imagePullSecrets: istio.imagePullSecrets,
            controlPlane,
            mesh,
            // One CNI agent serves every revision: each injector takes the CNI path.
            cni: istio.cni,
        });
        if (tags.length > 0) {
            // Each tag is rendered by exactly one release: the one of the revision it points to.
            values = mergeValues(values, { revisionTags: tags.sort() });
        }
        values = mergeValues(values, rev.values);
        const release: IstiodRelease = {
            revision: rev,
            resourceName: istio.multiRevision ? `${name}-istiod-${rev.name}` : `${name}-istiod`,
            releaseName: revision ? `istiod-${revision}` : "istiod",
            chart: chartRef(rev.chart, "istiod", rev.version),
            // The oldest revision is the one a stack had before it moved to the revisions form.
            aliases: istio.multiRevision && i === 0 ? [`${name}-istiod`] : [],
            values,
        };
        if (istio.multiRevision) {
            release.resourcePrefix = `${name}-istiod`;
        }
        return release;
    });
}

/** The revision whose base chart installs the CRDs: the newest, which knows every field any revision uses. */
export function crdRevision(istio: IstioConfig): RevisionConfig {
    const ordered = byVersion(istio.revisions);
    return ordered[ordered.length - 1];
}

/** `defaultRevision` of the base chart: where `istiod-default-validator` sends Istio config. */
export function baseDefaultRevision(istio: IstioConfig): string {
    return defaultRevisionOf(istio, istio.followRevision);
}
