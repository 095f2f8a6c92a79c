/**
 * Every policy of istio-mesh-guard, in the order reports list them. The pack (`../index.ts`), the manifest
 * checker and the tests all take the policies from here, so there is one copy of each rule.
 */
import type { Policies } from "@pulumi/policy";
import { authorizationPolicyAllowNegativeMatch, authorizationPolicyCustomProvider, namespaceAuthorizationPolicy } from "./authorization";
import { certificateDuration, certificateRotationPolicy } from "./certificates";
import { helmReleaseVersionPinned, imagePinned, istiodHighAvailability } from "./control-plane";
import { destinationRuleTlsVerification, outboundTrafficRegistryOnly, serviceEntryTcpAddresses, serviceEntryWildcardHost } from "./egress";
import { egressRouteThroughGateway, gatewayPortRouted } from "./gateway-routes";
import {
    gatewayCertificateDnsNames,
    gatewayConflict,
    gatewayCredentialNamespace,
    gatewayDuplicateCertificate,
    gatewayHttpsWildcardHost,
    gatewayTlsCredential,
} from "./gateways";
import {
    gatewayAddressReserved,
    gatewayListenerCertificate,
    gatewayListenerHostnameConflict,
    httpRouteBackendExists,
    httpRouteParentGateway,
} from "./gateway-api";
import { namespaceInjectionLabels, reservedProxyUid, trafficCaptureBypass, workloadInjectionOptOut } from "./injection";
import { loadBalancerAddressInPool } from "./loadbalancer";
import { meshNamespacePodSecurityCni, workloadNetworkCapabilities } from "./pod-security";
import { namespaceRevisionByTag, namespaceRevisionServed } from "./revisions";
import { destinationRuleTlsNotDisabled, meshWideStrictMtls, peerAuthenticationStrictMtls } from "./mtls";
import { singleDefaultSidecarTelemetry, traceSampling } from "./observability";
import {
    meshVirtualServiceHostConflict,
    servicePortProtocol,
    virtualServiceGatewayExists,
    virtualServiceHostInGateway,
    virtualServiceRouteWeights,
    virtualServiceSubsetDefined,
    virtualServiceUnreachableRoutes,
} from "./routing";
import { airGappedImageRegistry } from "./registry";
import { virtualServiceDestinationExists } from "./destinations";
import { durationMinimum } from "./timeouts";
import { schemaConformance } from "./schema";

/** Builds the pack's policies (fresh objects each call). */
export function createPolicies(): Policies {
    return [
        // Mandatory by default.
        schemaConformance(),
        peerAuthenticationStrictMtls(),
        destinationRuleTlsNotDisabled(),
        virtualServiceRouteWeights(),
        virtualServiceSubsetDefined(),
        virtualServiceGatewayExists(),
        meshVirtualServiceHostConflict(),
        gatewayTlsCredential(),
        gatewayCredentialNamespace(),
        gatewayHttpsWildcardHost(),
        gatewayConflict(),
        namespaceInjectionLabels(),
        workloadInjectionOptOut(),
        reservedProxyUid(),
        authorizationPolicyCustomProvider(),
        authorizationPolicyAllowNegativeMatch(),
        serviceEntryWildcardHost(),
        durationMinimum(),
        singleDefaultSidecarTelemetry(),
        certificateDuration(),
        loadBalancerAddressInPool(),
        meshNamespacePodSecurityCni(),
        httpRouteParentGateway(),
        gatewayListenerCertificate(),
        gatewayListenerHostnameConflict(),
        gatewayAddressReserved(),
        egressRouteThroughGateway(),
        namespaceRevisionServed(),
        // Advisory by default.
        meshWideStrictMtls(),
        namespaceAuthorizationPolicy(),
        destinationRuleTlsVerification(),
        outboundTrafficRegistryOnly(),
        serviceEntryTcpAddresses(),
        virtualServiceHostInGateway(),
        virtualServiceDestinationExists(),
        virtualServiceUnreachableRoutes(),
        servicePortProtocol(),
        gatewayDuplicateCertificate(),
        gatewayCertificateDnsNames(),
        gatewayPortRouted(),
        trafficCaptureBypass(),
        certificateRotationPolicy(),
        traceSampling(),
        istiodHighAvailability(),
        imagePinned(),
        helmReleaseVersionPinned(),
        workloadNetworkCapabilities(),
        httpRouteBackendExists(),
        airGappedImageRegistry(),
        namespaceRevisionByTag(),
    ];
}

/** The pack's policies. */
export const policies: Policies = createPolicies();
