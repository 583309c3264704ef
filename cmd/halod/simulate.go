package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"

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
		switch a {
		case "--totals":
			totals = true
		default:
			if path != "" {
				return errors.New("usage: halod simulate SCENARIO.json [--totals]")
			}
			path = a
		}
	}
	if path == "" {
		return errors.New("usage: halod simulate SCENARIO.json [--totals]")
	}
	var data []byte
	var err error
	if path == "-" {
		data, err = io.ReadAll(os.Stdin)
	} else {
		data, err = os.ReadFile(path)
	}
	if err != nil {
		return err
	}
	f, err := scenario.Parse(data)
	if err != nil {
		return err
	}
	if f.Scenario.Config == nil {
		if p := os.Getenv("HALO_PLAN_CONFIG"); p != "" {
			cd, err := os.ReadFile(p)
			if err != nil {
				return fmt.Errorf("HALO_PLAN_CONFIG: %w", err)
			}
			cfg, err := engine.ParseConfig(cd)
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

func printPlan(w io.Writer) error {
	cfg, err := app.LoadPlan(os.Getenv("HALO_PLAN_CONFIG"))
	if err != nil {
		return err
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(cfg.File())
}
