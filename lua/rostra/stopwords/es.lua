-- Spanish stopwords for rostra: function words (articles and contractions,
-- determiners, pronouns, relatives, conjunctions, prepositions, adverbs, the
-- frequent forms of ser, estar and haber). Written for rostra by its authors
-- from their own knowledge of Spanish grammar, not copied from a published
-- list. Entries are rostra lower forms (rostra.lower): lower case, NFC
-- accents. Words that are also common content words are left out ("estado"
-- is "state", "tiene"/"hace" carry meaning in speeches).
return {
  -- articles and contractions
  "el", "la", "los", "las", "lo", "un", "una", "unos", "unas", "al", "del",
  -- demonstratives, possessives, indefinites
  "este", "esta", "estos", "estas", "ese", "esa", "esos", "esas", "aquel", "aquella",
  "aquellos", "aquellas", "esto", "eso", "aquello", "mi", "mis", "tu", "tus", "su", "sus",
  "nuestro", "nuestra", "nuestros", "nuestras", "vuestro", "vuestra", "vuestros", "vuestras",
  "suyo", "suya", "suyos", "suyas", "todo", "toda", "todos", "todas", "otro", "otra", "otros",
  "otras", "mismo", "misma", "mismos", "mismas", "cada", "algún", "alguno", "alguna",
  "algunos", "algunas", "ningún", "ninguno", "ninguna", "mucho", "mucha", "muchos", "muchas",
  "poco", "poca", "pocos", "pocas", "varios", "varias", "demás", "tanto", "tanta", "tantos",
  "tantas",
  -- personal pronouns
  "yo", "tú", "él", "ella", "ello", "nosotros", "nosotras", "vosotros", "vosotras", "ellos",
  "ellas", "usted", "ustedes", "me", "te", "se", "nos", "os", "le", "les", "mí", "ti", "sí",
  "conmigo", "contigo", "consigo",
  -- relative and interrogative words
  "que", "qué", "quien", "quienes", "quién", "cual", "cuales", "cuál", "cuyo", "cuya",
  "cuyos", "cuyas", "donde", "dónde", "cuando", "cuándo", "como", "cómo", "cuanto",
  "cuánto",
  -- conjunctions
  "y", "e", "o", "u", "ni", "pero", "sino", "porque", "pues", "aunque", "mientras", "si",
  -- prepositions
  "a", "ante", "bajo", "con", "contra", "de", "desde", "durante", "en", "entre", "hacia",
  "hasta", "mediante", "para", "por", "según", "sin", "sobre", "tras",
  -- adverbs and negation
  "no", "muy", "más", "menos", "también", "tampoco", "ya", "aún", "todavía", "siempre",
  "nunca", "aquí", "allí", "ahí", "así", "entonces", "luego", "además", "solo", "sólo",
  "bien", "tan",
  -- ser, estar, haber, frequent forms
  "ser", "soy", "eres", "es", "somos", "sois", "son", "era", "eras", "éramos", "eran", "fue",
  "fueron", "sido", "siendo", "será", "serán", "sería", "serían", "sea", "sean",
  "estar", "estoy", "estás", "está", "estamos", "están", "estaba", "estaban", "estuvo",
  "haber", "he", "has", "ha", "hemos", "han", "había", "habían", "habido", "hay", "habrá",
  "habría", "haya", "hayan",
}
