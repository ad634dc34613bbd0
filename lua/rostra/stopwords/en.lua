-- English stopwords for rostra: function words (articles and determiners,
-- pronouns, relatives, auxiliaries and modals, conjunctions, prepositions,
-- common adverbs). Written for rostra by its authors from their own
-- knowledge of English grammar, not copied from a published list.
-- Entries are rostra lower forms (rostra.lower): lower case, ASCII
-- apostrophe; contractions are listed whole because the tokenizer keeps
-- "don't" and "we're" as one token. Note: "us" also removes the lower form
-- of "US" (the country); the dotted "U.S." is a different token ("u.s.").
return {
  -- articles and determiners
  "a", "an", "the", "this", "that", "these", "those", "all", "any", "some", "each", "every",
  "either", "neither", "both", "few", "many", "much", "more", "most", "other", "others",
  "another", "such", "same", "own", "several", "less", "least", "enough", "no",
  -- personal, possessive, reflexive pronouns
  "i", "me", "my", "mine", "myself", "we", "us", "our", "ours", "ourselves", "you", "your",
  "yours", "yourself", "yourselves", "he", "him", "his", "himself", "she", "her", "hers",
  "herself", "it", "its", "itself", "they", "them", "their", "theirs", "themselves",
  -- relative and interrogative words
  "who", "whom", "whose", "which", "what", "whatever", "whoever", "whichever", "where", "when",
  "why", "how", "wherever", "whenever",
  -- auxiliaries and modals
  "am", "is", "are", "was", "were", "be", "been", "being", "have", "has", "had", "having", "do",
  "does", "did", "doing", "will", "would", "shall", "should", "can", "could", "may", "might",
  "must", "ought",
  -- contractions as the tokenizer keeps them (one token, ASCII apostrophe)
  "don't", "doesn't", "didn't", "isn't", "aren't", "wasn't", "weren't", "won't", "wouldn't",
  "can't", "cannot", "couldn't", "shouldn't", "haven't", "hasn't", "hadn't", "mustn't",
  "i'm", "i've", "i'll", "i'd", "we're", "we've", "we'll", "we'd", "you're", "you've", "you'll",
  "you'd", "he's", "he'll", "he'd", "she's", "she'll", "she'd", "it's", "it'll", "they're",
  "they've", "they'll", "they'd", "that's", "there's", "here's", "what's", "who's", "let's",
  -- conjunctions
  "and", "or", "but", "nor", "so", "yet", "if", "then", "than", "because", "as", "since",
  "while", "whereas", "although", "though", "unless", "until", "whether",
  -- prepositions
  "of", "in", "on", "at", "by", "for", "with", "without", "about", "against", "between",
  "among", "into", "onto", "through", "throughout", "during", "before", "after", "above",
  "below", "to", "from", "up", "down", "out", "off", "over", "under", "upon", "within", "along",
  "across", "behind", "beyond", "around", "toward", "towards", "via", "per", "despite",
  "except", "beside", "besides", "inside", "outside",
  -- adverbs and particles
  "not", "only", "also", "very", "too", "just", "even", "still", "again", "already", "ever",
  "never", "always", "often", "here", "there", "now", "thus", "hence", "therefore", "however",
  "indeed", "rather", "quite", "almost", "perhaps", "else", "yes",
}
