-- Chinese stopwords for rostra: single Han characters. The tokenizer makes
-- EACH Han character a token ("我们的发展" -> 我 们 的 发 展), so a
-- multi-character word such as 我们 or 因为 can never match a token: the list
-- holds characters only. Written for rostra by its authors from their own
-- knowledge of Chinese function words, not copied from a published list.
-- A listed character is removed everywhere, also inside words (和平 loses
-- 和), so characters often used as the meaningful half of frequent political
-- words are left out on purpose even when they also have a function use:
-- 会 (社会, 会议), 能 (能源, 能力), 可 (可持续), 自 and 由 (自由), 同 (共同),
-- 应 (应对), 据 (数据), and 中 国 人 一 上 下 大 (中国, 人民, 一带一路...).
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
}
