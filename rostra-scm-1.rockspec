rockspec_format = "3.0"
package = "rostra"
version = "scm-1"
source = {
  url = "git+https://example.invalid/rostra.git",
}
description = {
  summary = "Political speech analysis: parsing, themes and concordance over a C core",
  detailed = [[
rostra turns raw speech transcripts into a queryable corpus: speech parsing
(metadata, boilerplate, segments, enumerated points, sentences, quotations),
theme tagging, concordance and statistics, with every hot path in C.]],
  license = "MIT",
}
dependencies = {
  "lua >= 5.4, < 5.5",
  "lpeg",
}
external_dependencies = {
  YAML = { header = "yaml.h" },
  UTF8PROC = { header = "utf8proc.h" },
}
build = {
  type = "builtin",
  modules = {
    ["rostra"] = "lua/rostra/init.lua",
    ["rostra.meta"] = "lua/rostra/meta.lua",
    ["rostra.core"] = {
      sources = {
        -- engines
        "csrc/mem.c", "csrc/tok.c", "csrc/front.c",
        -- Lua bindings
        "csrc/lrostra.c", "csrc/ltok.c", "csrc/lfront.c", "csrc/lspeech.c",
      },
      defines = { "_POSIX_C_SOURCE=200809L" },
      libraries = { "yaml", "utf8proc", "pthread", "m" },
      incdirs = { "csrc", "$(YAML_INCDIR)", "$(UTF8PROC_INCDIR)" },
      libdirs = { "$(YAML_LIBDIR)", "$(UTF8PROC_LIBDIR)" },
    },
  },
  copy_directories = {},
}
test = {
  type = "busted",
}
