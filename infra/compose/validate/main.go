// Command compose-validate checks Compose files as `docker compose config` does, without Docker: it
// loads them with compose-go, the library docker compose itself uses, which validates them against the
// Compose Specification's JSON schema, interpolates variables and checks the references between
// services, volumes and networks. It prints one line per file set and exits 1 on the first problem.
//
//	compose-validate [-profiles '*'|p,q] FILE...
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"sort"
	"strings"

	"github.com/compose-spec/compose-go/v2/cli"
)

func main() {
	profiles := flag.String("profiles", "*", "profiles to enable, comma-separated; * enables every profile")
	flag.Parse()
	files := flag.Args()
	if len(files) == 0 {
		fmt.Fprintln(os.Stderr, "usage: compose-validate [-profiles '*'|p,q] FILE...")
		os.Exit(2)
	}
	options, err := cli.NewProjectOptions(files,
		cli.WithOsEnv,
		cli.WithName("compose-validate"),
		cli.WithProfiles(strings.Split(*profiles, ",")),
	)
	if err == nil {
		var project interface{ ServiceNames() []string }
		project, err = cli.ProjectFromOptions(context.Background(), options)
		if err == nil {
			names := project.ServiceNames()
			sort.Strings(names)
			fmt.Printf("%s: valid (%d services: %s)\n", strings.Join(files, ", "), len(names), strings.Join(names, ", "))
			return
		}
	}
	fmt.Fprintf(os.Stderr, "%s: %v\n", strings.Join(files, ", "), err)
	os.Exit(1)
}
