module actionctl/tools/gotemplate-verdicts

go 1.19
