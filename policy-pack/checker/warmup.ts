/**
 * A small mesh the start-up snapshot checks once while it is built, so the code a run needs (the YAML reader,
 * the policies, the schema walk, the CEL evaluator) is compiled before the heap is saved instead of on every
 * run. Only code is kept from it: the validator it made and the rule outcomes it remembered are dropped.
 */
import { resetSchemaValidator } from "../policies/schema";
import { forgetRuleOutcomes } from "../schema/structural";
import { resolveConfig } from "./config";
import { loadText } from "./load";
import { runPolicies } from "./run";
import type { Policies } from "@pulumi/policy";

const MESH = `apiVersion: v1
kind: Namespace
metadata:
  name: shop
  labels: {istio-injection: enabled}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: cart
  namespace: shop
  labels: {app: cart}
spec:
  replicas: 2
  selector:
    matchLabels: {app: cart}
  template:
    metadata:
      labels: {app: cart, version: v2}
      annotations: {proxy.istio.io/config: "{}"}
    spec:
      securityContext: {runAsNonRoot: true, runAsUser: 2000}
      containers:
      - name: cart
        image: "registry.local/cart:2.1.0"
        ports:
        - {containerPort: 9090, name: grpc}
        resources:
          limits: {cpu: 500m, memory: 256Mi}
---
apiVersion: v1
kind: Service
metadata:
  name: cart
  namespace: shop
spec:
  selector: {app: cart}
  ports:
  - {name: grpc-cart, port: 9090, targetPort: 9090, protocol: TCP}
---
apiVersion: v1
kind: Service
metadata:
  name: edge
  namespace: edge
  annotations: {metallb.io/loadBalancerIPs: 192.168.40.7}
spec:
  type: LoadBalancer
  selector: {istio: edge}
  ports:
  - {name: https, port: 443, targetPort: 8443}
---
apiVersion: metallb.io/v1beta1
kind: IPAddressPool
metadata:
  name: edge
  namespace: metallb-system
spec:
  addresses: [192.168.40.0/28]
---
apiVersion: networking.istio.io/v1
kind: Gateway
metadata:
  name: edge
  namespace: edge
spec:
  selector: {istio: edge}
  servers:
  - port: {number: 443, name: https, protocol: HTTPS}
    hosts: ["shop/cart.shop.internal"]
    tls: {mode: SIMPLE, credentialName: cart-cert}
---
apiVersion: cert-manager.io/v1
kind: Certificate
metadata:
  name: cart
  namespace: edge
spec:
  secretName: cart-cert
  dnsNames: [cart.shop.internal]
  issuerRef: {name: internal-ca, kind: ClusterIssuer}
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: cart
  namespace: shop
spec:
  hosts: [cart, cart.shop.internal]
  gateways: [edge/edge, mesh]
  http:
  - match:
    - headers:
        x-canary: {exact: "1"}
    route:
    - destination: {host: cart, subset: v2}
  - timeout: 3s
    retries: {attempts: 2, perTryTimeout: 1s, retryOn: 5xx}
    route:
    - destination: {host: cart, subset: v1, port: {number: 9090}}
      weight: 80
    - destination: {host: cart, subset: v2, port: {number: 9090}}
      weight: 20
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata:
  name: cart
  namespace: shop
spec:
  host: cart.shop.svc.cluster.local
  trafficPolicy:
    tls: {mode: ISTIO_MUTUAL}
    outlierDetection: {consecutive5xxErrors: 5, interval: 10s, baseEjectionTime: 30s}
  subsets:
  - name: v1
    labels: {version: v1}
  - name: v2
    labels: {version: v2}
---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata:
  name: cart
  namespace: shop
spec:
  selector:
    matchLabels: {app: cart}
  rules:
  - from:
    - source: {principals: [cluster.local/ns/edge/sa/edge]}
    to:
    - operation: {methods: [GET], paths: [/cart/*]}
---
apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata:
  name: default
  namespace: shop
spec:
  mtls: {mode: STRICT}
---
apiVersion: networking.istio.io/v1
kind: Sidecar
metadata:
  name: default
  namespace: shop
spec:
  egress:
  - hosts: ["./*", "istio-system/*"]
---
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata:
  name: payments
  namespace: shop
spec:
  hosts: [payments.example.net]
  location: MESH_EXTERNAL
  ports:
  - {number: 443, name: tls, protocol: TLS}
  resolution: DNS
`;

/** Checks the warm-up mesh with every policy, then drops what the run left behind. */
export async function warmUp(policies: Policies): Promise<void> {
    const resources = loadText(MESH, "warm-up.yaml");
    await runPolicies(policies, resources, resolveConfig(undefined, policies));
    resetSchemaValidator();
    forgetRuleOutcomes();
}
