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
  "lua-cjson",
  "argparse",
}
external_dependencies = {
  YAML = { header = "yaml.h" },
  UTF8PROC = { header = "utf8proc.h" },
  STEMMER = { header = "libstemmer.h" },
  XXHASH = { header = "xxhash.h" },
  PCRE2 = { header = "pcre2.h" },
  ICU = { header = "unicode/ubrk.h" },
}
build = {
  type = "builtin",
  modules = {
    ["rostra"] = "lua/rostra/init.lua",
    ["rostra.meta"] = "lua/rostra/meta.lua",
    ["rostra.opts"] = "lua/rostra/opts.lua",
    ["rostra.speech"] = "lua/rostra/speech.lua",
    ["rostra.corpus"] = "lua/rostra/corpus.lua",
    ["rostra.result"] = "lua/rostra/result.lua",
    ["rostra.output"] = "lua/rostra/output.lua",
    ["rostra.query"] = "lua/rostra/query.lua",
    ["rostra.matches"] = "lua/rostra/matches.lua",
    ["rostra.layout"] = "lua/rostra/layout.lua",
    ["rostra.lexicon"] = "lua/rostra/lexicon.lua",
    ["rostra.stats"] = "lua/rostra/stats.lua",
    ["rostra.themes"] = "lua/rostra/themes.lua",
    ["rostra.validation"] = "lua/rostra/validation.lua",
    ["rostra.plot"] = "lua/rostra/plot.lua",
    ["rostra.report"] = "lua/rostra/report.lua",
    ["rostra.cli"] = "lua/rostra/cli.lua",
    ["rostra.repl"] = "lua/rostra/repl.lua",
    ["rostra.stopwords"] = "lua/rostra/stopwords.lua",
    ["rostra.cjk"] = "lua/rostra/cjk.lua",
    ["rostra.dfm"] = "lua/rostra/dfm.lua",
    ["rostra.vrt"] = "lua/rostra/vrt.lua",
    ["rostra.stopwords.en"] = "lua/rostra/stopwords/en.lua",
    ["rostra.stopwords.fr"] = "lua/rostra/stopwords/fr.lua",
    ["rostra.stopwords.es"] = "lua/rostra/stopwords/es.lua",
    ["rostra.stopwords.zh"] = "lua/rostra/stopwords/zh.lua",
    ["rostra.core"] = {
      sources = {
        -- engines
        "csrc/mem.c", "csrc/tok.c", "csrc/front.c", "csrc/speech.c", "csrc/vocab.c",
        "csrc/index.c", "csrc/store.c", "csrc/fsout.c", "csrc/loader.c", "csrc/measures.c", "csrc/match.c",
        "csrc/lexicon.c", "csrc/stats.c", "csrc/tagger.c", "csrc/cjk.c", "csrc/dfm.c",
        "csrc/annot.c", "csrc/vrt.c", "csrc/table.c", "csrc/metablob.c",
        -- Lua bindings
        "csrc/lrostra.c", "csrc/ltok.c", "csrc/lfront.c", "csrc/lspeech.c", "csrc/lcorpus.c",
        "csrc/lmeasures.c", "csrc/lmatch.c", "csrc/lmeta.c", "csrc/llexicon.c", "csrc/lstats.c",
        "csrc/ltagger.c", "csrc/ldfm.c", "csrc/lannot.c", "csrc/lfsout.c", "csrc/ltable.c",
      },
      defines = { "_POSIX_C_SOURCE=200809L" },
      libraries = { "yaml", "utf8proc", "stemmer", "xxhash", "pcre2-8", "icuuc", "icudata", "pthread", "m" },
      incdirs = { "csrc", "$(YAML_INCDIR)", "$(UTF8PROC_INCDIR)", "$(STEMMER_INCDIR)",
                  "$(XXHASH_INCDIR)", "$(PCRE2_INCDIR)", "$(ICU_INCDIR)" },
      libdirs = { "$(YAML_LIBDIR)", "$(UTF8PROC_LIBDIR)", "$(STEMMER_LIBDIR)", "$(XXHASH_LIBDIR)",
                  "$(PCRE2_LIBDIR)", "$(ICU_LIBDIR)" },
    },
  },
  install = {
    bin = {
      rostra = "bin/rostra",
    },
    lua = {
      ["rostra.lexicons.political"] = "lua/rostra/lexicons/political.yaml",
    },
  },
}
test = {
  type = "busted",
}
