-- French stopwords for rostra: function words (articles, determiners,
-- pronouns, relatives, conjunctions, prepositions, adverbs, the frequent
-- forms of être and avoir). Written for rostra by its authors from their own
-- knowledge of French grammar, not copied from a published list.
-- Entries are rostra lower forms (rostra.lower): lower case, NFC accents,
-- ASCII apostrophe. The tokenizer keeps an elided word with its host
-- ("l'homme", "d'état" are one token each), so elided articles cannot be
-- removed on their own: only tokens made of two function words
-- ("c'est", "qu'il", "d'un") are listed.
return {
  -- articles, contracted articles
  "le", "la", "les", "un", "une", "des", "du", "de", "au", "aux",
  -- demonstratives, possessives, indefinites
  "ce", "cet", "cette", "ces", "ceci", "cela", "ça", "celui", "celle", "ceux", "celles", "mon",
  "ma", "mes", "ton", "ta", "tes", "son", "sa", "ses", "notre", "nos", "votre", "vos", "leur",
  "leurs", "chaque", "quelque", "quelques", "plusieurs", "aucun", "aucune", "tout", "tous",
  "toute", "toutes", "autre", "autres", "même", "mêmes", "tel", "telle", "tels", "telles",
  -- personal pronouns
  "je", "tu", "il", "elle", "on", "nous", "vous", "ils", "elles", "me", "te", "se", "moi",
  "toi", "lui", "eux", "soi", "y", "en",
  -- relative and interrogative words
  "qui", "que", "quoi", "dont", "où", "lequel", "laquelle", "lesquels", "lesquelles", "auquel",
  "auxquels", "duquel", "quel", "quelle", "quels", "quelles",
  -- conjunctions
  "et", "ou", "mais", "donc", "or", "ni", "car", "si", "comme", "quand", "lorsque", "puisque",
  "parce", "quoique",
  -- prepositions
  "à", "dans", "par", "pour", "avec", "sans", "sous", "sur", "entre", "vers", "chez", "contre",
  "depuis", "pendant", "avant", "après", "selon", "parmi", "envers", "dès", "hors", "malgré",
  "durant",
  -- adverbs and negation
  "ne", "pas", "plus", "moins", "non", "oui", "très", "trop", "aussi", "bien", "déjà",
  "encore", "toujours", "jamais", "ici", "là", "alors", "ainsi", "puis", "ensuite",
  "cependant", "pourtant", "toutefois",
  -- être and avoir, frequent forms
  "être", "suis", "es", "est", "sommes", "êtes", "sont", "étais", "était", "étions",
  "étiez", "étaient", "été", "serai", "sera", "serons", "serez", "seront", "serais",
  "serait", "seraient", "sois", "soit", "soyons", "soient", "fut",
  "avoir", "ai", "as", "a", "avons", "avez", "ont", "avais", "avait", "avions", "aviez",
  "avaient", "eu", "aurai", "aura", "aurons", "aurez", "auront", "aurais", "aurait", "auraient",
  "ait", "aient",
  -- elided forms glued to a function word: the tokenizer keeps l'homme, qu'il,
  -- c'est as one token, so only combinations of two function words can be listed
  "c'est", "c'était", "s'est", "qu'à", "d'autres", "n'est", "n'a", "n'ont", "n'y", "n'en",
  "qu'il", "qu'ils", "qu'elle", "qu'elles", "qu'on", "qu'un", "qu'une", "s'il", "s'ils", "j'ai",
  "d'un", "d'une", "l'un", "l'une", "l'on", "jusqu'à", "jusqu'au", "lorsqu'il", "puisqu'il",
}
