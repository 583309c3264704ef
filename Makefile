# Developer shortcuts; each target is a thin wrapper around a script or a go command.
.PHONY: run test stack-start stack-stop docs build bench bench-engine bench-projection bench-counters

run:            ## set up everything and run Halo with the demo network
	scripts/run.sh

test:           ## every test, against a real Neo4j and Redis started for the purpose
	scripts/test.sh

build:
	go build -o bin/halod ./cmd/halod

stack-start:
	scripts/stack.sh start

stack-stop:
	scripts/stack.sh stop

docs:           ## regenerate the OpenAPI spec in docs/ from the handlers' annotations
	go run github.com/swaggo/swag/cmd/swag@v1.16.6 init -g api/server.go -o docs --parseInternal --outputTypes go,json,yaml

bench-engine:   ## the engine at 1M consultants, 1M customers, 2M sales, on one core
	GOMEMLIMIT=3GiB go test ./engine -run '^$$' -bench RunMillion -benchtime 3x -cpu 1

bench-projection:   ## one update of the kept earnings projection at 1M consultants, 2.4M sales, on one core
	GOMEMLIMIT=3GiB go test ./graph/payouts -run '^$$' -bench ProjectionUpdate -benchtime 3x -cpu 1

bench-counters:   ## one second's rollup of the live counters beside full ingest at 1M consultants, on one core
	go test ./graph/payouts -run '^$$' -bench LiveCountersRollup -benchtime 20x -cpu 1
