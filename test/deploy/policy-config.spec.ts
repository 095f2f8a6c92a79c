/**
 * The per-stack policy configs operators pass to `pulumi preview --policy-pack-config` (and the workflows'
 * `policyPackConfigs`): they must name real policies of the pack and do exactly what docs/operations.md says.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { resolveConfig } from "../../policy-pack/checker/config";
import { policies } from "../../policy-pack/policies";
import { REPO_ROOT } from "../mocks";

const read = (name: string): unknown => JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "policy-pack", "config", name), "utf8"));

describe("policy config: dev-migration.json", () => {
    const config = resolveConfig(read("dev-migration.json"), policies);
    const own = (name: string) => policies.find((p) => p.name === name)?.enforcementLevel;

    it("turns the PeerAuthentication mTLS policy into a warning", () =>
        assert.strictEqual(config.level("peer-authentication-strict-mtls", own("peer-authentication-strict-mtls")), "advisory"));
    it("keeps DestinationRule TLS mandatory", () =>
        assert.strictEqual(config.level("destination-rule-tls-not-disabled", own("destination-rule-tls-not-disabled")), "mandatory"));
    it("leaves every other policy at its own level", () =>
        assert.deepStrictEqual(
            policies
                .filter((p) => p.name !== "peer-authentication-strict-mtls" && config.level(p.name, p.enforcementLevel) !== (p.enforcementLevel ?? "advisory"))
                .map((p) => p.name),
            [],
        ));
});
