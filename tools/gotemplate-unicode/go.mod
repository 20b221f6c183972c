module actionctl/tools/gotemplate-unicode

go 1.19
