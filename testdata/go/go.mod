module flamelens.dev/testdata/profgen

go 1.22
