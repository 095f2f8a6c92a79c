/**
 * Valid objects of every kind the mesh uses, written as a platform team would write them. Each
 * must validate clean against the pinned CRDs and built-in schemas; the bad-object tests start
 * from these and change one thing.
 */

type Obj = Record<string, any>;

const meta = (name: string, namespace?: string): Obj => (namespace ? { name, namespace } : { name });

/** Istio v1 kinds. */
export const istio: Obj[] = [
    {
        apiVersion: "networking.istio.io/v1",
        kind: "Gateway",
        metadata: meta("public", "istio-ingress"),
        spec: {
            selector: { istio: "ingressgateway" },
            servers: [
                { port: { number: 443, name: "https", protocol: "HTTPS" }, hosts: ["shop.example.com"], tls: { mode: "SIMPLE", credentialName: "shop-tls" } },
                { port: { number: 80, name: "http", protocol: "HTTP" }, hosts: ["shop.example.com"], tls: { httpsRedirect: true } },
            ],
        },
    },
    {
        apiVersion: "networking.istio.io/v1",
        kind: "VirtualService",
        metadata: meta("shop", "shop"),
        spec: {
            hosts: ["shop.example.com"],
            gateways: ["istio-ingress/public"],
            http: [
                {
                    name: "canary",
                    match: [{ uri: { prefix: "/api" }, headers: { "x-canary": { exact: "1" } } }],
                    route: [
                        { destination: { host: "shop.shop.svc.cluster.local", subset: "v1", port: { number: 8080 } }, weight: 90 },
                        { destination: { host: "shop.shop.svc.cluster.local", subset: "v2", port: { number: 8080 } }, weight: 10 },
                    ],
                    timeout: "5s",
                    retries: { attempts: 3, perTryTimeout: "2s", retryOn: "5xx,reset" },
                },
            ],
        },
    },
    {
        apiVersion: "networking.istio.io/v1",
        kind: "DestinationRule",
        metadata: meta("shop", "shop"),
        spec: {
            host: "shop.shop.svc.cluster.local",
            trafficPolicy: {
                tls: { mode: "ISTIO_MUTUAL" },
                loadBalancer: { simple: "LEAST_REQUEST" },
                connectionPool: { tcp: { maxConnections: 100, connectTimeout: "1s" }, http: { http2MaxRequests: 1000, idleTimeout: "30s" } },
                outlierDetection: { consecutive5xxErrors: 5, interval: "10s", baseEjectionTime: "30s", maxEjectionPercent: 50 },
            },
            subsets: [
                { name: "v1", labels: { version: "v1" } },
                { name: "v2", labels: { version: "v2" } },
            ],
        },
    },
    {
        apiVersion: "networking.istio.io/v1",
        kind: "ServiceEntry",
        metadata: meta("payments-api", "shop"),
        spec: {
            hosts: ["api.payments.example.net"],
            location: "MESH_EXTERNAL",
            resolution: "DNS",
            ports: [{ number: 443, name: "https", protocol: "TLS" }],
        },
    },
    {
        apiVersion: "networking.istio.io/v1",
        kind: "Sidecar",
        metadata: meta("default", "shop"),
        spec: { egress: [{ hosts: ["./*", "istio-system/*"] }], outboundTrafficPolicy: { mode: "REGISTRY_ONLY" } },
    },
    {
        apiVersion: "networking.istio.io/v1",
        kind: "WorkloadEntry",
        metadata: meta("vm-1", "shop"),
        spec: { address: "10.0.0.5", labels: { app: "legacy" }, ports: { http: 8080 } },
    },
    {
        apiVersion: "security.istio.io/v1",
        kind: "PeerAuthentication",
        metadata: meta("default", "istio-system"),
        spec: { mtls: { mode: "STRICT" } },
    },
    {
        apiVersion: "security.istio.io/v1",
        kind: "AuthorizationPolicy",
        metadata: meta("shop-frontend", "shop"),
        spec: {
            selector: { matchLabels: { app: "shop" } },
            action: "ALLOW",
            rules: [
                {
                    from: [{ source: { principals: ["cluster.local/ns/istio-ingress/sa/istio-ingressgateway"] } }],
                    to: [{ operation: { methods: ["GET", "POST"], paths: ["/api/*"] } }],
                },
            ],
        },
    },
    {
        apiVersion: "security.istio.io/v1",
        kind: "RequestAuthentication",
        metadata: meta("jwt", "shop"),
        spec: {
            selector: { matchLabels: { app: "shop" } },
            jwtRules: [{ issuer: "https://auth.example.com", jwksUri: "https://auth.example.com/.well-known/jwks.json" }],
        },
    },
    {
        apiVersion: "telemetry.istio.io/v1",
        kind: "Telemetry",
        metadata: meta("mesh-default", "istio-system"),
        spec: { tracing: [{ randomSamplingPercentage: 1.0 }], accessLogging: [{ providers: [{ name: "envoy" }] }] },
    },
    {
        apiVersion: "networking.istio.io/v1alpha3",
        kind: "EnvoyFilter",
        metadata: meta("stats", "istio-system"),
        spec: {
            configPatches: [
                {
                    applyTo: "HTTP_FILTER",
                    match: { context: "SIDECAR_INBOUND", listener: { filterChain: { filter: { name: "envoy.filters.network.http_connection_manager" } } } },
                    patch: {
                        operation: "INSERT_BEFORE",
                        value: { name: "envoy.filters.http.lua", typed_config: { "@type": "type.googleapis.com/envoy.extensions.filters.http.lua.v3.Lua" } },
                    },
                },
            ],
        },
    },
];

/** cert-manager, MetalLB and prometheus-operator kinds. */
export const addons: Obj[] = [
    {
        apiVersion: "cert-manager.io/v1",
        kind: "ClusterIssuer",
        metadata: meta("mesh-ca"),
        spec: { ca: { secretName: "mesh-root-ca" } },
    },
    {
        apiVersion: "cert-manager.io/v1",
        kind: "Certificate",
        metadata: meta("shop-tls", "istio-ingress"),
        spec: {
            secretName: "shop-tls",
            dnsNames: ["shop.example.com"],
            duration: "2160h",
            renewBefore: "360h",
            privateKey: { algorithm: "ECDSA", size: 256, rotationPolicy: "Always" },
            issuerRef: { name: "mesh-ca", kind: "ClusterIssuer", group: "cert-manager.io" },
        },
    },
    {
        apiVersion: "metallb.io/v1beta1",
        kind: "IPAddressPool",
        metadata: meta("mesh-ingress", "metallb-system"),
        spec: { addresses: ["192.168.10.240-192.168.10.250", "10.20.0.0/28"], autoAssign: false },
    },
    {
        apiVersion: "metallb.io/v1beta1",
        kind: "L2Advertisement",
        metadata: meta("mesh-ingress", "metallb-system"),
        spec: { ipAddressPools: ["mesh-ingress"] },
    },
    {
        apiVersion: "metallb.io/v1beta1",
        kind: "BGPAdvertisement",
        metadata: meta("mesh-ingress", "metallb-system"),
        spec: { ipAddressPools: ["mesh-ingress"], aggregationLength: 32, communities: ["65535:65282"] },
    },
    {
        apiVersion: "monitoring.coreos.com/v1",
        kind: "ServiceMonitor",
        metadata: meta("istiod", "istio-system"),
        spec: { selector: { matchLabels: { app: "istiod" } }, endpoints: [{ port: "http-monitoring", interval: "15s" }] },
    },
    {
        apiVersion: "monitoring.coreos.com/v1",
        kind: "PodMonitor",
        metadata: meta("envoy-stats", "istio-system"),
        spec: {
            selector: { matchExpressions: [{ key: "istio-prometheus-ignore", operator: "DoesNotExist" }] },
            namespaceSelector: { any: true },
            podMetricsEndpoints: [
                {
                    path: "/stats/prometheus",
                    interval: "15s",
                    relabelings: [{ action: "keep", sourceLabels: ["__meta_kubernetes_pod_container_name"], regex: "istio-proxy" }],
                },
            ],
        },
    },
];

const podTemplate = {
    metadata: { labels: { app: "shop", version: "v1" }, annotations: { "sidecar.istio.io/inject": "true" } },
    spec: {
        serviceAccountName: "shop",
        containers: [
            {
                name: "shop",
                image: "registry.example.com/shop:1.2.3",
                imagePullPolicy: "IfNotPresent",
                ports: [{ containerPort: 8080, name: "http", protocol: "TCP" }],
                resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: 1, memory: "256Mi" } },
                readinessProbe: { httpGet: { path: "/ready", port: "http" }, periodSeconds: 5 },
                securityContext: { runAsNonRoot: true, allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } },
            },
        ],
    },
};

/** Kubernetes' own kinds. */
export const core: Obj[] = [
    { apiVersion: "v1", kind: "Namespace", metadata: { name: "shop", labels: { "istio-injection": "enabled" } } },
    { apiVersion: "v1", kind: "ServiceAccount", metadata: meta("shop", "shop") },
    { apiVersion: "v1", kind: "ConfigMap", metadata: meta("shop-config", "shop"), data: { "app.yaml": "level: info\n" } },
    { apiVersion: "v1", kind: "Secret", metadata: meta("shop-db", "shop"), type: "Opaque", stringData: { password: "s3cret" }, data: { user: "c2hvcA==" } },
    {
        apiVersion: "v1",
        kind: "Service",
        metadata: { name: "shop", namespace: "shop", labels: { app: "shop" } },
        spec: { selector: { app: "shop" }, ports: [{ name: "http", port: 8080, targetPort: "http", protocol: "TCP" }], type: "ClusterIP" },
    },
    {
        apiVersion: "apps/v1",
        kind: "Deployment",
        metadata: meta("shop", "shop"),
        spec: {
            replicas: 2,
            selector: { matchLabels: { app: "shop" } },
            strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: "25%", maxUnavailable: 0 } },
            template: podTemplate,
        },
    },
    {
        apiVersion: "rbac.authorization.k8s.io/v1",
        kind: "Role",
        metadata: meta("shop-reader", "shop"),
        rules: [{ apiGroups: [""], resources: ["configmaps"], verbs: ["get", "list", "watch"] }],
    },
    {
        apiVersion: "rbac.authorization.k8s.io/v1",
        kind: "ClusterRole",
        metadata: meta("mesh-viewer"),
        rules: [{ apiGroups: ["networking.istio.io"], resources: ["*"], verbs: ["get", "list"] }],
    },
    {
        apiVersion: "rbac.authorization.k8s.io/v1",
        kind: "RoleBinding",
        metadata: meta("shop-reader", "shop"),
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "shop-reader" },
        subjects: [{ kind: "ServiceAccount", name: "shop", namespace: "shop" }],
    },
    {
        apiVersion: "rbac.authorization.k8s.io/v1",
        kind: "ClusterRoleBinding",
        metadata: meta("mesh-viewer"),
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "mesh-viewer" },
        subjects: [{ kind: "Group", name: "platform", apiGroup: "rbac.authorization.k8s.io" }],
    },
    {
        apiVersion: "policy/v1",
        kind: "PodDisruptionBudget",
        metadata: meta("shop", "shop"),
        spec: { minAvailable: 1, selector: { matchLabels: { app: "shop" } } },
    },
    {
        apiVersion: "autoscaling/v2",
        kind: "HorizontalPodAutoscaler",
        metadata: meta("shop", "shop"),
        spec: {
            scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "shop" },
            minReplicas: 2,
            maxReplicas: 10,
            metrics: [{ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 80 } } }],
        },
    },
    {
        apiVersion: "admissionregistration.k8s.io/v1",
        kind: "ValidatingWebhookConfiguration",
        metadata: meta("istio-validator-istio-system"),
        webhooks: [
            {
                name: "rev.validation.istio.io",
                admissionReviewVersions: ["v1"],
                sideEffects: "None",
                failurePolicy: "Ignore",
                clientConfig: { service: { name: "istiod", namespace: "istio-system", path: "/validate", port: 443 } },
                rules: [{ operations: ["CREATE", "UPDATE"], apiGroups: ["security.istio.io", "networking.istio.io"], apiVersions: ["*"], resources: ["*"] }],
            },
        ],
    },
    {
        apiVersion: "networking.k8s.io/v1",
        kind: "NetworkPolicy",
        metadata: meta("allow-mesh", "shop"),
        spec: {
            podSelector: {},
            policyTypes: ["Ingress"],
            ingress: [{ from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "istio-ingress" } } }] }],
        },
    },
];

/** Objects shaped like those Istio's charts render (the richest pod and webhook specs the mesh runs). */
export const rendered: Obj[] = [
    {
        apiVersion: "apps/v1",
        kind: "Deployment",
        metadata: { name: "istiod", namespace: "istio-system", labels: { app: "istiod", "istio.io/rev": "default" } },
        spec: {
            strategy: { rollingUpdate: { maxSurge: "100%", maxUnavailable: "25%" } },
            selector: { matchLabels: { istio: "pilot" } },
            template: {
                metadata: { labels: { app: "istiod", istio: "pilot" }, annotations: { "prometheus.io/port": "15014", "sidecar.istio.io/inject": "false" } },
                spec: {
                    serviceAccountName: "istiod",
                    tolerations: [{ key: "cni.istio.io/not-ready", operator: "Exists" }],
                    affinity: {
                        podAntiAffinity: {
                            requiredDuringSchedulingIgnoredDuringExecution: [
                                { labelSelector: { matchLabels: { app: "istiod" } }, topologyKey: "kubernetes.io/hostname" },
                            ],
                        },
                    },
                    containers: [
                        {
                            name: "discovery",
                            image: "docker.io/istio/pilot:1.30.3",
                            args: ["discovery", "--monitoringAddr=:15014", "--log_output_level=default:info"],
                            ports: [
                                { containerPort: 8080, protocol: "TCP", name: "http-debug" },
                                { containerPort: 15010, protocol: "TCP", name: "grpc-xds" },
                            ],
                            readinessProbe: { httpGet: { path: "/ready", port: 8080 }, initialDelaySeconds: 1, periodSeconds: 3, timeoutSeconds: 5 },
                            env: [
                                { name: "REVISION", value: "default" },
                                { name: "POD_NAME", valueFrom: { fieldRef: { apiVersion: "v1", fieldPath: "metadata.name" } } },
                                { name: "GOMEMLIMIT", valueFrom: { resourceFieldRef: { resource: "limits.memory", divisor: "1" } } },
                            ],
                            resources: { requests: { cpu: "500m", memory: "2048Mi" } },
                            securityContext: {
                                allowPrivilegeEscalation: false,
                                readOnlyRootFilesystem: true,
                                runAsUser: 1337,
                                runAsGroup: 1337,
                                runAsNonRoot: true,
                                capabilities: { drop: ["ALL"] },
                            },
                            volumeMounts: [
                                { name: "istio-token", mountPath: "/var/run/secrets/tokens", readOnly: true },
                                { name: "local-certs", mountPath: "/var/run/secrets/istio-dns" },
                            ],
                        },
                    ],
                    volumes: [
                        { name: "local-certs", emptyDir: { medium: "Memory" } },
                        {
                            name: "istio-token",
                            projected: { sources: [{ serviceAccountToken: { audience: "istio-ca", expirationSeconds: 43200, path: "istio-token" } }] },
                        },
                        { name: "cacerts", secret: { secretName: "cacerts", optional: true } },
                    ],
                },
            },
        },
    },
    {
        apiVersion: "admissionregistration.k8s.io/v1",
        kind: "MutatingWebhookConfiguration",
        metadata: { name: "istio-sidecar-injector", labels: { app: "sidecar-injector" } },
        webhooks: [
            {
                name: "rev.namespace.sidecar-injector.istio.io",
                admissionReviewVersions: ["v1"],
                sideEffects: "None",
                failurePolicy: "Fail",
                reinvocationPolicy: "Never",
                clientConfig: { service: { name: "istiod", namespace: "istio-system", path: "/inject", port: 443 } },
                rules: [{ operations: ["CREATE"], apiGroups: [""], apiVersions: ["v1"], resources: ["pods"] }],
                namespaceSelector: {
                    matchExpressions: [
                        { key: "istio.io/rev", operator: "In", values: ["default"] },
                        { key: "istio-injection", operator: "DoesNotExist" },
                    ],
                },
                objectSelector: { matchExpressions: [{ key: "sidecar.istio.io/inject", operator: "NotIn", values: ["false"] }] },
            },
        ],
    },
    {
        apiVersion: "v1",
        kind: "Service",
        metadata: { name: "istio-ingressgateway", namespace: "istio-ingress", annotations: { "metallb.io/loadBalancerIPs": "192.168.10.240" } },
        spec: {
            type: "LoadBalancer",
            externalTrafficPolicy: "Local",
            selector: { istio: "ingressgateway" },
            ports: [
                { name: "status-port", port: 15021, protocol: "TCP", targetPort: 15021 },
                { name: "https", port: 443, protocol: "TCP", targetPort: 443 },
            ],
        },
    },
];

/** Every valid object. */
export const all: Obj[] = [...istio, ...addons, ...core, ...rendered];
