package main

import (
	"errors"
	"fmt"
	"io"
	"strings"
)

// command is one of halod's commands: what it does, its flags, and how to run it.
type command struct {
	name, args, summary, detail string
	flags                       [][2]string // flag, meaning
}

var commands = []command{
	{name: "serve", summary: "run the API (the default command)",
		detail: "Runs the REST API, Swagger UI and the background work (live counters, earnings projection, pruning). Migrations, the first admin\n" +
			"and the root are created at start-up; /readyz says \"starting\" until they are done. Configuration comes from the environment\n" +
			"(README, Configuration): HALO_ADDR, NEO4J_URI, NEO4J_PASSWORD, REDIS_ADDR, HALO_SECRET_KEY, HALO_DEV …"},
	{name: "migrate", summary: "apply pending schema migrations and exit",
		detail: "Applies cypher/migrations/NNNN_*.cypher not yet applied, in order, and creates the first admin and the root if missing."},
	{name: "seed-demo", summary: "create the demo catalogue and network (idempotent)",
		detail: "Creates the demo vendors and products, a small network of consultants and customers, an onboarding track, articles,\n" +
			"webinars and an event. Members that exist are left as they are. New vendors' signing secrets are printed once."},
	{name: "rebuild-counters", summary: "recompute the live Redis counters from Neo4j",
		detail: "Recomputes every consultant's open-period personal and leg volume from Neo4j into Redis (Redis is a cache of Neo4j)."},
	{name: "simulate", args: "SCENARIO.json|-", summary: "run the compensation engine alone over a scenario",
		detail: "Runs every run of a scenario in the shared examples' format through the engine and prints what each paid, in the\n" +
			"format of the examples' \"expected\" part. No database is involved. HALO_PLAN_CONFIG applies when the scenario has no config.\n" +
			"Events: activation, cancellation, upgrade, and for PLAN.md §10–§11 suspend, reinstate, terminate (member) and refund\n" +
			"(sale: pack:<member> or an upgrade's id); products may carry hold_days (§9). See ../shared/examples/lifecycle.\n" +
			"Exit status: 0 printed, 1 the scenario could not be computed, 2 a usage error or a file that is not a scenario.",
		flags: [][2]string{{"--totals", "add each run's totals by type and by vendor"}}},
	{name: "plan", summary: "print the plan configuration in force",
		detail: "Prints PLAN.md's defaults, or HALO_PLAN_CONFIG laid over them, as YAML — the format HALO_PLAN_CONFIG takes.",
		flags:  [][2]string{{"--json", "print JSON instead of YAML"}}},
	{name: "help", args: "[COMMAND]", summary: "describe halod or one command"},
}

// usageError is a mistake in how halod was called (exit status 2).
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, a ...any) error { return &usageError{msg: fmt.Sprintf(format, a...)} }

// exitCode is 2 for a usage error, 1 for any other failure.
func exitCode(err error) int {
	var u *usageError
	if errors.As(err, &u) {
		return 2
	}
	return 1
}

func findCommand(name string) *command {
	for i := range commands {
		if commands[i].name == name {
			return &commands[i]
		}
	}
	return nil
}

func printHelp(w io.Writer) {
	fmt.Fprintln(w, "halod — Halo's service and its operator tools")
	fmt.Fprintln(w, "\nUsage: halod [COMMAND] [FLAGS]\n\nCommands:")
	for _, c := range commands {
		fmt.Fprintf(w, "  %-17s %s\n", strings.TrimSpace(c.name+" "+c.args), c.summary)
	}
	fmt.Fprintln(w, "\nRun 'halod help COMMAND' or 'halod COMMAND --help' for a command's flags.")
}

func printCommandHelp(w io.Writer, c *command) {
	fmt.Fprintf(w, "Usage: halod %s\n\n%s.\n", strings.TrimSpace(c.name+" "+c.args+flagList(c)), strings.ToUpper(c.summary[:1])+c.summary[1:])
	if c.detail != "" {
		fmt.Fprintf(w, "\n%s\n", c.detail)
	}
	if len(c.flags) > 0 {
		fmt.Fprintln(w, "\nFlags:")
		for _, f := range c.flags {
			fmt.Fprintf(w, "  %-10s %s\n", f[0], f[1])
		}
	}
}

func flagList(c *command) string {
	var out string
	for _, f := range c.flags {
		out += " [" + f[0] + "]"
	}
	return out
}

// wantsHelp reports whether args ask for the command's help.
func wantsHelp(args []string) bool {
	for _, a := range args {
		if a == "-h" || a == "--help" || a == "help" {
			return true
		}
	}
	return false
}

// onlyFlags checks that args hold nothing but the command's flags; it returns those given.
func onlyFlags(c *command, args []string) (map[string]bool, error) {
	given := map[string]bool{}
	for _, a := range args {
		ok := false
		for _, f := range c.flags {
			ok = ok || a == f[0]
		}
		if !ok {
			return nil, usagef("halod %s: unexpected %q (see: halod %s --help)", c.name, a, c.name)
		}
		given[a] = true
	}
	return given, nil
}
