/** cert-manager Certificates: lifetimes cert-manager accepts, and key rotation. */
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { formatDuration, HOUR, MINUTE, parseDuration } from "../lib/duration";
import { GK } from "../lib/istio";
import { ref, str } from "../lib/k8s";
import { objectPolicy } from "../lib/policy";

/** cert-manager's default certificate lifetime (90 days). */
const DEFAULT_DURATION = 2160 * HOUR;

/** cert-manager's webhook validation (ValidateDuration): minimums and duration > renewBefore. */
export function certificateDuration(): ResourceValidationPolicy {
    return objectPolicy({
        name: "certificate-duration",
        description: "Checks that a cert-manager Certificate's duration is at least 1h and longer than renewBefore (at least 5m), as cert-manager requires.",
        enforcementLevel: "mandatory",
        kinds: [GK.Certificate],
        check: (o, _cfg, report) => {
            const field = (key: "duration" | "renewBefore") => {
                const v = o.spec[key];
                if (v === undefined || v === null) return undefined;
                const ns = typeof v === "string" ? parseDuration(v) : undefined;
                if (ns === undefined) {
                    report(
                        `${ref(o)}: spec.${key} is ${JSON.stringify(v)}, not a duration such as "2160h"; cert-manager rejects the Certificate and no certificate is issued.`,
                    );
                    return null;
                }
                return ns;
            };
            const duration = field("duration");
            const renewBefore = field("renewBefore");
            if (duration === null || renewBefore === null) return;
            const reject = "cert-manager rejects the Certificate, so the Secret is never issued or renewed";
            if (duration !== undefined && duration < HOUR) {
                report(`${ref(o)}: spec.duration is ${str(o.spec.duration)}, below cert-manager's 1h minimum; ${reject}.`);
                return;
            }
            if (renewBefore !== undefined && renewBefore < 5 * MINUTE) {
                report(`${ref(o)}: spec.renewBefore is ${str(o.spec.renewBefore)}, below cert-manager's 5m minimum; ${reject}.`);
                return;
            }
            if (renewBefore !== undefined && o.spec.renewBeforePercentage !== undefined) {
                report(`${ref(o)}: spec.renewBefore and spec.renewBeforePercentage are both set; they are mutually exclusive and ${reject}.`);
                return;
            }
            const effective = duration ?? DEFAULT_DURATION;
            if (renewBefore !== undefined && effective <= renewBefore) {
                const shown = duration === undefined ? `the default ${formatDuration(DEFAULT_DURATION)}` : str(o.spec.duration);
                report(`${ref(o)}: spec.duration (${shown}) is not longer than spec.renewBefore (${str(o.spec.renewBefore)}); ${reject}.`);
            }
            const pct = o.spec.renewBeforePercentage;
            if (pct !== undefined && (typeof pct !== "number" || pct <= 0 || pct >= 100)) {
                report(`${ref(o)}: spec.renewBeforePercentage is ${JSON.stringify(pct)}; it must lie strictly between 0 and 100, otherwise ${reject}.`);
            }
        },
    });
}

/** cert-manager guidance (rotationPolicy Always is the default only from v1.18). */
export function certificateRotationPolicy(): ResourceValidationPolicy {
    return objectPolicy({
        name: "certificate-rotation-policy",
        description: "Checks that a cert-manager Certificate sets privateKey.rotationPolicy: Always.",
        enforcementLevel: "advisory",
        kinds: [GK.Certificate],
        check: (o, _cfg, report) => {
            const policy = str(o.spec.privateKey?.rotationPolicy);
            if (policy !== "Always") {
                report(
                    `${ref(o)}: spec.privateKey.rotationPolicy is ${policy ?? "not set"}; ${policy ? "renewals keep the same private key, so a leaked key stays valid across certificates" : "cert-manager before v1.18 then keeps the same private key on renewal, so a leaked key stays valid"}. Set it to Always.`,
                );
            }
        },
    });
}
