package main

import "gopkg.in/yaml.v3"

func yamlOrJSON(data []byte, dst any) error { return yaml.Unmarshal(data, dst) }
