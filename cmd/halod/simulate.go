package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/halo-oss/halo/engine"
	"github.com/halo-oss/halo/engine/scenario"
	"github.com/halo-oss/halo/internal/app"
)

// simulate runs the engine alone over a scenario file and prints, in the format of the shared
// examples' "expected" part, what every run pays. No database is involved.
func simulate(args []string, w io.Writer) error {
	var path string
	totals := false
	for _, a := range args {
		switch {
		case a == "--totals":
			totals = true
		case strings.HasPrefix(a, "-") && a != "-":
			return usagef("halod simulate: unknown flag %q (see: halod simulate --help)", a)
		case path != "":
			return usagef("halod simulate takes one scenario file (see: halod simulate --help)")
		default:
			path = a
		}
	}
	if path == "" {
		return usagef("halod simulate needs a scenario file, or - for standard input (see: halod simulate --help)")
	}
	var data []byte
	var err error
	if path == "-" {
		data, err = io.ReadAll(os.Stdin)
	} else {
		data, err = os.ReadFile(path)
	}
	if err != nil {
		return usagef("halod simulate: %v", err)
	}
	f, err := scenario.Parse(data)
	if err != nil {
		return usagef("%s: %v", path, err)
	}
	if err := checkScenario(&f.Scenario); err != nil {
		return usagef("%s: %v", path, err)
	}
	if f.Scenario.Config == nil {
		if p := os.Getenv("HALO_PLAN_CONFIG"); p != "" {
			cfg, err := app.LoadPlan(p)
			if err != nil {
				return err
			}
			cf := cfg.File()
			f.Scenario.Config = &cf
		}
	}
	out, err := scenario.Simulate(&f.Scenario, totals)
	if err != nil {
		return err
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", " ")
	return enc.Encode(out)
}

// checkScenario refuses what is not a scenario at all, before the engine says why it cannot
// compute one: no runs to compute, no members to pay.
func checkScenario(sc *scenario.Scenario) error {
	switch {
	case len(sc.Runs) == 0:
		return fmt.Errorf("the scenario has no runs (a \"scenario\" object with \"members\", \"events\" and \"runs\", as in shared/examples)")
	case len(sc.Members) == 0:
		return fmt.Errorf("the scenario has no members (the first is the root)")
	}
	return nil
}

// printPlan prints the plan in force: YAML, the format HALO_PLAN_CONFIG takes; JSON on request.
func printPlan(w io.Writer, asJSON bool) error {
	cfg, err := app.LoadPlan(os.Getenv("HALO_PLAN_CONFIG"))
	if err != nil {
		return err
	}
	var file engine.ConfigFile = cfg.File()
	if asJSON {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(file)
	}
	enc := yaml.NewEncoder(w)
	enc.SetIndent(2)
	defer enc.Close()
	return enc.Encode(file)
}
