package engine

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"gopkg.in/yaml.v3"
)

// Plan is a member's plan (PLAN.md §2).
type Plan uint8

const (
	PlanNone Plan = iota
	PlanAffiliate
	PlanConsultant
	PlanConsultantPlus
	PlanCustomer
)

var planNames = [...]string{"", "affiliate", "consultant", "consultant_plus", "customer"}

func (p Plan) String() string {
	if int(p) < len(planNames) {
		return planNames[p]
	}
	return fmt.Sprintf("plan(%d)", p)
}

// IsConsultant reports whether the plan is one of the three consultant plans.
func (p Plan) IsConsultant() bool { return p >= PlanAffiliate && p <= PlanConsultantPlus }

// ParsePlan parses a plan name.
func ParsePlan(s string) (Plan, error) {
	for i, n := range planNames {
		if i > 0 && n == s {
			return Plan(i), nil
		}
	}
	return PlanNone, fmt.Errorf("unknown plan %q (want affiliate, consultant, consultant_plus or customer)", s)
}

// ConsultantPlans lists the consultant plans in upgrade order.
var ConsultantPlans = []Plan{PlanAffiliate, PlanConsultant, PlanConsultantPlus}

// PlanRules is one row of the plan table (PLAN.md §2).
type PlanRules struct {
	Price         Units // pack price, USD
	BV            Units // pack BV
	DirectRate    Rate  // direct bonus as sponsor (§4 step 7)
	BinaryRate    Rate  // binary % (§4 step 4)
	WeeklyCap     Units // binary cap per run
	RSGenerations int   // revenue-share generations (§4 step 6)
}

// RankRule is one row of the rank table (PLAN.md §4 step 3). Rank 0 is "none" and has no rule.
type RankRule struct {
	Name                string
	SponsoredActives    int
	LesserLeg           Units
	Bonus               Units
	MatchingGenerations int
	PoolShares          int
}

// Config is a validated plan configuration. The rules are fixed; these numbers are tunable.
type Config struct {
	Plans              [PlanCustomer]PlanRules // indexed by Plan (consultant plans only)
	Ranks              []RankRule              // ascending; Ranks[0] is "none"
	MatchRates         []Rate                  // by sponsor generation, §4 step 5
	RSRates            []Rate                  // by compressed generation, §4 step 6
	ActivityWindowDays int                     // §3
	ActivityMinPV      Units                   // §3
	CarryCap           Units                   // §4 step 4
	PoolRate           Rate                    // §4 step 9
	CadenceDays        int                     // §4
}

// Rule returns the table row of a consultant plan.
func (c *Config) Rule(p Plan) PlanRules {
	if !p.IsConsultant() {
		return PlanRules{}
	}
	return c.Plans[p]
}

// RankNames are the ranks in ascending order, "none" first.
func (c *Config) RankNames() []string {
	out := make([]string, len(c.Ranks))
	for i, r := range c.Ranks {
		out[i] = r.Name
	}
	return out
}

// RankIndex returns the index of a rank name ("none" or "" is 0).
func (c *Config) RankIndex(name string) (int, error) {
	if name == "" {
		return 0, nil
	}
	for i, r := range c.Ranks {
		if r.Name == name {
			return i, nil
		}
	}
	return 0, fmt.Errorf("unknown rank %q", name)
}

// ConfigFile is the operator-facing file format (YAML or JSON). Amounts and rates are decimal
// strings; anything left out keeps PLAN.md's default.
type ConfigFile struct {
	Plans              map[string]PlanFile `json:"plans,omitempty" yaml:"plans,omitempty"`
	Ranks              []RankFile          `json:"ranks,omitempty" yaml:"ranks,omitempty"`
	MatchingPercent    []string            `json:"matching_percent,omitempty" yaml:"matching_percent,omitempty"`
	RevenueShare       []string            `json:"revenue_share_percent,omitempty" yaml:"revenue_share_percent,omitempty"`
	ActivityWindowDays *int                `json:"activity_window_days,omitempty" yaml:"activity_window_days,omitempty"`
	ActivityMinPV      *string             `json:"activity_min_pv,omitempty" yaml:"activity_min_pv,omitempty"`
	CarryCap           *string             `json:"carry_cap,omitempty" yaml:"carry_cap,omitempty"`
	PoolPercent        *string             `json:"pool_percent,omitempty" yaml:"pool_percent,omitempty"`
	CadenceDays        *int                `json:"cadence_days,omitempty" yaml:"cadence_days,omitempty"`
}

// PlanFile is one plan row in the file.
type PlanFile struct {
	Price         *string `json:"price,omitempty" yaml:"price,omitempty"`
	BV            *string `json:"bv,omitempty" yaml:"bv,omitempty"`
	DirectPercent *string `json:"direct_percent,omitempty" yaml:"direct_percent,omitempty"`
	BinaryPercent *string `json:"binary_percent,omitempty" yaml:"binary_percent,omitempty"`
	WeeklyCap     *string `json:"weekly_binary_cap,omitempty" yaml:"weekly_binary_cap,omitempty"`
	RSGenerations *int    `json:"revenue_share_generations,omitempty" yaml:"revenue_share_generations,omitempty"`
}

// RankFile is one rank row in the file; a file that lists ranks replaces the whole table.
type RankFile struct {
	Name                string `json:"name" yaml:"name"`
	SponsoredActives    int    `json:"sponsored_actives" yaml:"sponsored_actives"`
	LesserLeg           string `json:"lesser_leg_bv" yaml:"lesser_leg_bv"`
	Bonus               string `json:"bonus" yaml:"bonus"`
	MatchingGenerations int    `json:"matching_generations" yaml:"matching_generations"`
	PoolShares          int    `json:"pool_shares" yaml:"pool_shares"`
}

func u(s string) Units { v, _ := ParseUnits(s); return v }
func r(s string) Rate  { v, _ := ParseRate(s); return v }

// DefaultConfig returns PLAN.md's tables.
func DefaultConfig() *Config {
	c := &Config{
		ActivityWindowDays: 28,
		ActivityMinPV:      u("50"),
		CarryCap:           u("25000"),
		PoolRate:           r("0.02"),
		CadenceDays:        7,
		MatchRates:         []Rate{r("0.20"), r("0.10"), r("0.10"), r("0.05")},
		RSRates:            []Rate{r("0.05"), r("0.03"), r("0.02"), r("0.02"), r("0.01"), r("0.01"), r("0.01"), r("0.01")},
		Ranks: []RankRule{
			{Name: "none"},
			{Name: "bronze", SponsoredActives: 2, LesserLeg: u("500"), Bonus: u("50"), MatchingGenerations: 1},
			{Name: "silver", SponsoredActives: 3, LesserLeg: u("2000"), Bonus: u("150"), MatchingGenerations: 2},
			{Name: "gold", SponsoredActives: 4, LesserLeg: u("5000"), Bonus: u("400"), MatchingGenerations: 3, PoolShares: 1},
			{Name: "platinum", SponsoredActives: 6, LesserLeg: u("15000"), Bonus: u("1000"), MatchingGenerations: 4, PoolShares: 2},
			{Name: "diamond", SponsoredActives: 8, LesserLeg: u("50000"), Bonus: u("3000"), MatchingGenerations: 4, PoolShares: 3},
		},
	}
	c.Plans[PlanAffiliate] = PlanRules{Price: 0, BV: 0, DirectRate: r("0.10"), BinaryRate: 0, WeeklyCap: 0, RSGenerations: 2}
	c.Plans[PlanConsultant] = PlanRules{Price: u("99"), BV: u("50"), DirectRate: r("0.10"), BinaryRate: r("0.10"), WeeklyCap: u("1000"), RSGenerations: 4}
	c.Plans[PlanConsultantPlus] = PlanRules{Price: u("299"), BV: u("150"), DirectRate: r("0.15"), BinaryRate: r("0.12"), WeeklyCap: u("2500"), RSGenerations: 8}
	return c
}

// ParseConfig reads a YAML or JSON configuration (JSON is YAML) over PLAN.md's defaults and
// validates it. Errors name the field and the rule.
func ParseConfig(data []byte) (*Config, error) {
	var f ConfigFile
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&f); err != nil && err.Error() != "EOF" {
		return nil, fmt.Errorf("plan config: %v", err)
	}
	return f.Apply(DefaultConfig())
}

// Apply overlays the file on base and validates the result.
func (f *ConfigFile) Apply(base *Config) (*Config, error) {
	c := *base
	c.Ranks = append([]RankRule(nil), base.Ranks...)
	var errs []string
	bad := func(format string, a ...any) { errs = append(errs, fmt.Sprintf(format, a...)) }
	units := func(field string, s *string, dst *Units) {
		if s == nil {
			return
		}
		v, err := ParseUnits(*s)
		if err != nil {
			bad("%s: %v", field, err)
			return
		}
		*dst = v
	}
	rate := func(field string, s string, dst *Rate) {
		v, err := ParseRate(s)
		if err != nil {
			bad("%s: %v", field, err)
			return
		}
		*dst = v
	}
	for name, pf := range f.Plans {
		p, err := ParsePlan(name)
		if err != nil || !p.IsConsultant() {
			bad("plans.%s: not a consultant plan (want affiliate, consultant or consultant_plus)", name)
			continue
		}
		pr := c.Plans[p]
		units("plans."+name+".price", pf.Price, &pr.Price)
		units("plans."+name+".bv", pf.BV, &pr.BV)
		units("plans."+name+".weekly_binary_cap", pf.WeeklyCap, &pr.WeeklyCap)
		if pf.DirectPercent != nil {
			rate("plans."+name+".direct_percent", *pf.DirectPercent, &pr.DirectRate)
		}
		if pf.BinaryPercent != nil {
			rate("plans."+name+".binary_percent", *pf.BinaryPercent, &pr.BinaryRate)
		}
		if pf.RSGenerations != nil {
			pr.RSGenerations = *pf.RSGenerations
		}
		c.Plans[p] = pr
	}
	if f.Ranks != nil {
		c.Ranks = []RankRule{{Name: "none"}}
		for i, rf := range f.Ranks {
			rr := RankRule{Name: rf.Name, SponsoredActives: rf.SponsoredActives, MatchingGenerations: rf.MatchingGenerations, PoolShares: rf.PoolShares}
			lesser, bonus := rf.LesserLeg, rf.Bonus
			units(fmt.Sprintf("ranks[%d].lesser_leg_bv", i), &lesser, &rr.LesserLeg)
			units(fmt.Sprintf("ranks[%d].bonus", i), &bonus, &rr.Bonus)
			c.Ranks = append(c.Ranks, rr)
		}
	}
	if f.MatchingPercent != nil {
		c.MatchRates = make([]Rate, len(f.MatchingPercent))
		for i, s := range f.MatchingPercent {
			rate(fmt.Sprintf("matching_percent[%d]", i), s, &c.MatchRates[i])
		}
	}
	if f.RevenueShare != nil {
		c.RSRates = make([]Rate, len(f.RevenueShare))
		for i, s := range f.RevenueShare {
			rate(fmt.Sprintf("revenue_share_percent[%d]", i), s, &c.RSRates[i])
		}
	}
	if f.ActivityWindowDays != nil {
		c.ActivityWindowDays = *f.ActivityWindowDays
	}
	units("activity_min_pv", f.ActivityMinPV, &c.ActivityMinPV)
	units("carry_cap", f.CarryCap, &c.CarryCap)
	if f.PoolPercent != nil {
		rate("pool_percent", *f.PoolPercent, &c.PoolRate)
	}
	if f.CadenceDays != nil {
		c.CadenceDays = *f.CadenceDays
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("plan config: %s", strings.Join(errs, "; "))
	}
	if err := c.Validate(); err != nil {
		return nil, err
	}
	return &c, nil
}

// Validate checks every number against the rule it feeds.
func (c *Config) Validate() error {
	var errs []string
	bad := func(format string, a ...any) { errs = append(errs, fmt.Sprintf(format, a...)) }
	fraction := func(field string, v Rate) {
		if v < 0 || v > rateScale {
			bad("%s must be between 0 and 1", field)
		}
	}
	for _, p := range ConsultantPlans {
		pr := c.Plans[p]
		if pr.Price < 0 {
			bad("price for %s must not be negative", p)
		}
		if pr.BV < 0 {
			bad("bv for %s must not be negative", p)
		}
		fraction("direct percent for "+p.String(), pr.DirectRate)
		fraction("binary percent for "+p.String(), pr.BinaryRate)
		if pr.WeeklyCap < 0 {
			bad("weekly binary cap for %s must not be negative", p)
		}
		if pr.RSGenerations < 0 || pr.RSGenerations > len(c.RSRates) {
			bad("revenue-share generations for %s must be between 0 and %d", p, len(c.RSRates))
		}
	}
	for i := 1; i < len(ConsultantPlans); i++ {
		lo, hi := c.Plans[ConsultantPlans[i-1]], c.Plans[ConsultantPlans[i]]
		if hi.Price < lo.Price || hi.BV < lo.BV {
			bad("price and bv of %s must not be below those of %s (upgrades go up only)", ConsultantPlans[i], ConsultantPlans[i-1])
		}
	}
	if len(c.Ranks) < 1 || c.Ranks[0].Name != "none" {
		bad("ranks: the first rank must be none")
	}
	seen := map[string]bool{}
	for i, rr := range c.Ranks {
		if rr.Name == "" {
			bad("ranks[%d]: name is required", i)
		}
		if seen[rr.Name] {
			bad("ranks: %q appears twice", rr.Name)
		}
		seen[rr.Name] = true
		if i == 0 {
			continue
		}
		prev := c.Ranks[i-1]
		if rr.SponsoredActives < prev.SponsoredActives || rr.LesserLeg < prev.LesserLeg {
			bad("rank %s: thresholds must not be below those of %s", rr.Name, prev.Name)
		}
		if rr.SponsoredActives < 0 || rr.LesserLeg < 0 || rr.Bonus < 0 || rr.PoolShares < 0 {
			bad("rank %s: numbers must not be negative", rr.Name)
		}
		if rr.MatchingGenerations < 0 || rr.MatchingGenerations > len(c.MatchRates) {
			bad("rank %s: matching generations must be between 0 and %d", rr.Name, len(c.MatchRates))
		}
	}
	for i, v := range c.MatchRates {
		fraction(fmt.Sprintf("matching percent for generation %d", i+1), v)
	}
	if len(c.RSRates) == 0 {
		bad("revenue_share_percent needs at least one generation")
	}
	for i, v := range c.RSRates {
		fraction(fmt.Sprintf("revenue-share percent for generation %d", i+1), v)
	}
	fraction("pool percent", c.PoolRate)
	if c.ActivityWindowDays < 1 {
		bad("activity window must be at least 1 day")
	}
	if c.ActivityMinPV < 0 {
		bad("activity minimum personal volume must not be negative")
	}
	if c.CarryCap < 0 {
		bad("carry cap must not be negative")
	}
	if c.CadenceDays < 1 {
		bad("cadence must be at least 1 day")
	}
	if len(errs) > 0 {
		return fmt.Errorf("plan config: %s", strings.Join(errs, "; "))
	}
	return nil
}

// File renders the configuration in the file format (for `halod plan` and documentation).
func (c *Config) File() ConfigFile {
	s := func(v Units) *string { x := v.Decimal().String(); return &x }
	rs := func(v Rate) *string { x := v.String(); return &x }
	f := ConfigFile{Plans: map[string]PlanFile{}}
	for _, p := range ConsultantPlans {
		pr := c.Plans[p]
		g := pr.RSGenerations
		f.Plans[p.String()] = PlanFile{Price: s(pr.Price), BV: s(pr.BV), DirectPercent: rs(pr.DirectRate), BinaryPercent: rs(pr.BinaryRate), WeeklyCap: s(pr.WeeklyCap), RSGenerations: &g}
	}
	for _, rr := range c.Ranks[1:] {
		f.Ranks = append(f.Ranks, RankFile{Name: rr.Name, SponsoredActives: rr.SponsoredActives, LesserLeg: rr.LesserLeg.Decimal().String(), Bonus: rr.Bonus.String(), MatchingGenerations: rr.MatchingGenerations, PoolShares: rr.PoolShares})
	}
	for _, v := range c.MatchRates {
		f.MatchingPercent = append(f.MatchingPercent, v.String())
	}
	for _, v := range c.RSRates {
		f.RevenueShare = append(f.RevenueShare, v.String())
	}
	w, cd := c.ActivityWindowDays, c.CadenceDays
	f.ActivityWindowDays, f.CadenceDays = &w, &cd
	f.ActivityMinPV, f.CarryCap, f.PoolPercent = s(c.ActivityMinPV), s(c.CarryCap), rs(c.PoolRate)
	return f
}

// MarshalJSON lets a Config be embedded in scenarios and API answers in the file format.
func (c *Config) MarshalJSON() ([]byte, error) { return json.Marshal(c.File()) }
