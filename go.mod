module github.com/socialvalue-toms/toms

go 1.23.0

require (
	github.com/shopspring/decimal v1.6.0
	gopkg.in/yaml.v3 v3.0.1
)

require (
	github.com/google/cel-go v0.31.0 // indirect
	github.com/stretchr/testify v1.12.1 // indirect
)
