-- Chinese stopwords for rostra: function words, and the characters they are
-- made of. rostra cuts Chinese into words (ICU: "我们的发展" -> 我们 的 发展),
-- so a stopword removes the tokens that equal it: the single-character
-- function words (的, 和, 在) and the multi-character ones listed at the end
-- (我们, 因为, 但是). A corpus loaded with cjk = "chars" has one character a
-- token: there the characters apply, and a listed character is removed
-- everywhere, also inside words (和平 loses 和), so characters often used as
-- the meaningful half of frequent political words are left out on purpose
-- even when they also have a function use: 会 (社会, 会议), 能 (能源, 能力),
-- 可 (可持续), 自 and 由 (自由), 同 (共同), 应 (应对), 据 (数据), and 中 国 人
-- 一 上 下 大 (中国, 人民, 一带一路...). Written for rostra by its authors from
-- their own knowledge of Chinese function words, not copied from a
-- published list.
return {
  -- structural and aspect particles
  "的", "地", "得", "了", "着", "过", "之", "所",
  -- sentence-final particles
  "吗", "呢", "吧", "啊", "呀", "嘛", "么",
  -- pronouns (们 is the plural suffix of 我们, 他们: one token of its own)
  "我", "你", "您", "他", "她", "它", "们", "其",
  -- demonstratives and quantifiers
  "这", "那", "此", "该", "各", "每", "某", "哪", "个", "些", "什", "诸", "等",
  -- conjunctions
  "和", "与", "及", "并", "而", "或", "但", "且", "则", "因", "若", "如", "即",
  "虽", "既", "故",
  -- prepositions and coverbs
  "在", "于", "从", "对", "向", "把", "被", "让", "给", "为", "以", "到", "将",
  "跟", "比", "按",
  -- adverbs and negation
  "也", "都", "就", "还", "又", "再", "已", "很", "更", "最", "只", "才", "不",
  "没", "未", "均", "皆", "亦", "乃", "便", "曾",
  -- copula, auxiliaries and modals
  "是", "有", "要",
  -- words of two or more characters (pronouns, demonstratives, conjunctions,
  -- prepositions, adverbs, auxiliaries)
  "我们", "你们", "他们", "她们", "它们", "咱们", "自己", "大家",
  "这个", "那个", "这些", "那些", "这样", "那样", "这里", "那里", "这种", "那种",
  "什么", "怎么", "怎样", "如何", "为什么",
  "因为", "所以", "但是", "可是", "然而", "而且", "并且", "以及", "或者", "还是",
  "如果", "虽然", "尽管", "即使", "只要", "只有", "除了",
  "由于", "关于", "对于", "通过", "根据", "按照", "为了",
  "已经", "正在", "曾经", "一直", "一些", "就是", "不是", "可以", "能够", "应该",
  "其中", "之间", "之一", "等等",
}
