// The kubernetes resource provider, served from the module's own packages. The upstream main embeds
// schema-embed.json, a file generated at release time and absent from the module zip; this one embeds the
// module's committed schema.json and terraform-mapping.json (copied beside it by scripts/toolchain.sh) and
// sets the schema's version at start, as upstream's generate step does at build time.
package main

import (
	_ "embed"
	"encoding/json"
	"log"

	"github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/provider"
	"github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/version"
)

//go:embed schema.json
var schema []byte

//go:embed terraform-mapping.json
var terraformMapping []byte

func main() {
	var spec map[string]json.RawMessage
	if err := json.Unmarshal(schema, &spec); err != nil {
		log.Fatalf("schema.json: %v", err)
	}
	v, _ := json.Marshal(version.Version)
	spec["version"] = v
	versioned, err := json.Marshal(spec)
	if err != nil {
		log.Fatalf("schema.json: %v", err)
	}
	provider.Serve("kubernetes", version.Version, versioned, terraformMapping)
}
