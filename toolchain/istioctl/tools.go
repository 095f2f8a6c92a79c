//go:build tools

package tools

import _ "istio.io/istio/istioctl/cmd/istioctl"
