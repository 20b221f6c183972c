"""Go ``text/template`` as the dashboard writes it, read as Go reads it.

- ``lexer``: the inside of one action, tokenized as Go's ``lex.go`` does.
- ``parser``: a whole template parsed into text, references and errors, and compiled
  to the platform's ``{{x}}`` placeholders (and back, for import).
- ``positions``: from a character of a YAML string value to its line and column in
  the file, so a template's diagnostics point where the user must edit.
"""
