-- Specs for rostra.query: the query language parsed into a query program.
-- Exact programs for valid queries, every error with its exact message and
-- position, round trips through query.tostring, literals extraction.

local query = require "rostra.query"

-- {====================================================== builders

local function lit(attr, value, flags)
  return { t = "eq", attr = attr, value = value, mode = "literal", flags = flags or "" }
end
local function re(attr, value, flags)
  return { t = "eq", attr = attr, value = value, mode = "regex", flags = flags or "" }
end
local function glob(value)
  return { t = "eq", attr = "lower", value = value, mode = "glob", flags = "" }
end
local function ne(test)
  test.t = "ne"
  return test
end
local function AND(...) return { t = "and", ... } end
local function OR(...) return { t = "or", ... } end
local function NOT(x) return { t = "not", x } end
local ANY = { t = "any" }

local function tok(test) return { op = "tok", test = test } end
local function w(v) return tok(lit("lower", v)) end       -- a bare word
local function q(v) return tok(lit("word", v)) end        -- a quoted string
local function seq(...) return { op = "seq", ... } end
local function alt(...) return { op = "alt", ... } end
local function rep(min, max, node) return { op = "rep", min = min, max = max, node } end
local function open(struct, attrs) return { op = "open", struct = struct, attrs = attrs or {} } end
local function close(struct) return { op = "close", struct = struct } end
local function cmp(field, op, value) return { t = "cmp", field = field, op = op, value = value } end

local function L(attr, value, flags) return { attr = attr, value = value, flags = flags or "" } end

-- the pattern of a query (the root seq)
local function pat(s) return query.compile(s).seq end

-- the error a query raises (busted's has_error would strip "query:1:2: ")
local function err(s)
  local ok, e = pcall(query.compile, s)
  if ok then return nil end
  return e
end

-- }======================================================

describe("rostra.query", function()

  describe("compile: the program", function()
    it("has seq, within, meta and literals", function()
      local p = query.compile('"shared" "future"')
      assert.same({
        seq = seq(q("shared"), q("future")),
        literals = { { L("word", "shared") }, { L("word", "future") } },
      }, p)
      assert.is_nil(p.within)
      assert.is_nil(p.meta)
    end)

    it("always has a seq at the root, even for one token", function()
      assert.same(seq(q("security")), pat('"security"'))
      assert.same(seq(alt(w("a"), w("b"))), pat("a | b"))
    end)

    it("raises a bad argument error for a non-string", function()
      assert.has_error(function() query.compile(nil) end,
        "bad argument #1 to 'compile' (string expected, got nil)")
      assert.has_error(function() query.compile({}) end,
        "bad argument #1 to 'compile' (string expected, got table)")
    end)
  end)

  describe("compile: quoted strings (CQP)", function()
    local cases = {
      { '"security"', seq(q("security")) },
      { "'security'", seq(q("security")) },
      { '"secur.*"', seq(tok(re("word", "secur.*"))) },
      { '"security"%c', seq(tok(lit("word", "security", "c"))) },
      { '"sécurité"%d', seq(tok(lit("word", "sécurité", "d"))) },
      { '"security"%cd', seq(tok(lit("word", "security", "cd"))) },
      { '"security"%dc', seq(tok(lit("word", "security", "cd"))) },
      { '"security"%cc', seq(tok(lit("word", "security", "c"))) },
      { '"secur.*"%c', seq(tok(re("word", "secur.*", "c"))) },
      -- %l: the string is taken literally
      { '"a+b"%l', seq(tok(lit("word", "a+b"))) },
      { '"a+b"%lc', seq(tok(lit("word", "a+b", "c"))) },
      { '"a+b"%cdl', seq(tok(lit("word", "a+b", "cd"))) },
      { '"plain"%l', seq(q("plain")) },
      { [["a\"b"%l]], seq(tok(lit("word", 'a"b'))) },
      { [["a\\b"%l]], seq(tok(lit("word", "a\\b"))) },
      { [["a\.b"%l]], seq(tok(lit("word", "a\\.b"))) },
      -- a regex made of escaped punctuation only is a literal
      { [["U\.S\."]], seq(tok(lit("word", "U.S."))) },
      { [["c\+\+"]], seq(tok(lit("word", "c++"))) },
      { [["a\\\."]], seq(tok(lit("word", "a\\."))) },
      { [["\d+"]], seq(tok(re("word", "\\d+"))) },
      { [["\w"]], seq(tok(re("word", "\\w"))) },
      -- quote escapes are resolved; other escapes stay for PCRE2
      { [["a\"b"]], seq(tok(lit("word", 'a"b'))) },
      { [['it\'s']], seq(tok(lit("word", "it's"))) },
      { [['say "hi".*']], seq(tok(re("word", 'say "hi".*'))) },
      { [["\".*"]], seq(tok(re("word", '".*'))) },
      { [["a\\"]], seq(tok(lit("word", "a\\"))) },
      { [["a\\+"]], seq(tok(re("word", "a\\\\+"))) },
      { '"(?i)x"', seq(tok(re("word", "(?i)x"))) },
      { '"[[:alpha:]]+"', seq(tok(re("word", "[[:alpha:]]+"))) },
      { '"[]a]+"', seq(tok(re("word", "[]a]+"))) },
      { '"[^]a]"', seq(tok(re("word", "[^]a]"))) },
      { '"[(]"', seq(tok(re("word", "[(]"))) },
      { '"a{2,3}"', seq(tok(re("word", "a{2,3}"))) },
      { '"a*?"', seq(tok(re("word", "a*?"))) },
      { '"(a|b)+"', seq(tok(re("word", "(a|b)+"))) },
      { '""', seq(q("")) },
      { '"中国"', seq(q("中国")) },
    }
    for _, c in ipairs(cases) do
      it(c[1], function() assert.same(c[2], pat(c[1])) end)
    end
  end)

  describe("compile: brackets (CQP)", function()
    local cases = {
      { "[]", seq(tok(ANY)) },
      { "[ ]", seq(tok(ANY)) },
      { '[word = "the"]', seq(q("the")) },
      { '[word="the"]', seq(q("the")) },
      { '[lower = "secur.*"]', seq(tok(re("lower", "secur.*"))) },
      { '[stem = "develop"]', seq(tok(lit("stem", "develop"))) },
      { '[word != "the"]', seq(tok(ne(lit("word", "the")))) },
      { '[lower != "the.*"%c]', seq(tok(ne(re("lower", "the.*", "c")))) },
      { "[lower = 'it\\'s']", seq(tok(lit("lower", "it's"))) },
      -- the value of a bracket test is not lower-cased
      { '[lower = "Security"]', seq(tok(lit("lower", "Security"))) },
      { '[lower = "a" & stem = "b"]', seq(tok(AND(lit("lower", "a"), lit("stem", "b")))) },
      { '[lower = "a" | stem = "b"]', seq(tok(OR(lit("lower", "a"), lit("stem", "b")))) },
      { '[!lower = "a"]', seq(tok(NOT(lit("lower", "a")))) },
      { '[!(lower = "a")]', seq(tok(NOT(lit("lower", "a")))) },
      { '[!!lower = "a"]', seq(tok(NOT(NOT(lit("lower", "a"))))) },
      -- & binds tighter than |; ! tighter than both
      { '[word="a" | word="b" & word="c"]',
        seq(tok(OR(lit("word", "a"), AND(lit("word", "b"), lit("word", "c"))))) },
      { '[(word="a" | word="b") & word="c"]',
        seq(tok(AND(OR(lit("word", "a"), lit("word", "b")), lit("word", "c")))) },
      { '[!word="a" & word="b"]', seq(tok(AND(NOT(lit("word", "a")), lit("word", "b")))) },
      -- and/or are flattened
      { '[word="a" & word="b" & word="c"]',
        seq(tok(AND(lit("word", "a"), lit("word", "b"), lit("word", "c")))) },
      { '[word="a" & (word="b" & word="c")]',
        seq(tok(AND(lit("word", "a"), lit("word", "b"), lit("word", "c")))) },
      { '[(word="a" | word="b") | word="c"]',
        seq(tok(OR(lit("word", "a"), lit("word", "b"), lit("word", "c")))) },
      { '[((word="a"))]', seq(q("a")) },
      { '[\n  word = "a"\n]', seq(q("a")) },
    }
    for _, c in ipairs(cases) do
      it(c[1], function() assert.same(c[2], pat(c[1])) end)
    end
  end)

  describe("compile: bare words and globs (rostra)", function()
    local cases = {
      { "security", seq(w("security")) },
      { "Security", seq(w("security")) },
      { "ÉTAT", seq(w("état")) },
      { "People’s", seq(w("people's")) },
      { "people's", seq(w("people's")) },
      { "win-win", seq(w("win-win")) },
      { "U.S.", seq(w("u.s.")) },
      { "2020", seq(w("2020")) },
      { "1,000", seq(w("1,000")) },
      { "3.5", seq(w("3.5")) },
      { "中国", seq(w("中国")) },
      { "_x", seq(w("_x")) },
      { "mu", seq(w("mu")) },
      { "Within", seq(w("within")) },
      { "secur*", seq(tok(glob("secur*"))) },
      { "Secur*", seq(tok(glob("secur*"))) },
      { "*pandemic", seq(tok(glob("*pandemic"))) },
      { "wom?n", seq(tok(glob("wom?n"))) },
      { "?x", seq(tok(glob("?x"))) },
      { "a*b?c", seq(tok(glob("a*b?c"))) },
      { "a?*", seq(tok(glob("a?*"))) },
      { "anti-*", seq(tok(glob("anti-*"))) },
      { "shared future", seq(w("shared"), w("future")) },
    }
    for _, c in ipairs(cases) do
      it(c[1], function() assert.same(c[2], pat(c[1])) end)
    end
  end)

  describe("compile: sequences, alternation, repetition", function()
    local cases = {
      { '"development" []{0,3} "cooperation"', seq(q("development"), rep(0, 3, tok(ANY)), q("cooperation")) },
      { "a b c", seq(w("a"), w("b"), w("c")) },
      { "a\n\tb", seq(w("a"), w("b")) },
      { "a b | c", seq(alt(seq(w("a"), w("b")), w("c"))) },
      { "( a | b c )", seq(alt(w("a"), seq(w("b"), w("c")))) },
      { "(a | b) c", seq(alt(w("a"), w("b")), w("c")) },
      { "(a | (b | c)) d", seq(alt(w("a"), w("b"), w("c")), w("d")) },
      { "((a | b) | c) d", seq(alt(w("a"), w("b"), w("c")), w("d")) },
      { "a (b c) d", seq(w("a"), w("b"), w("c"), w("d")) },
      { "((a))", seq(w("a")) },
      { '"a"? "b"', seq(rep(0, 1, q("a")), q("b")) },
      { '"a"* "b"', seq(rep(0, nil, q("a")), q("b")) },
      { '"a"+', seq(rep(1, nil, q("a"))) },
      { "a+", seq(rep(1, nil, w("a"))) },
      { "a ? b", seq(rep(0, 1, w("a")), w("b")) },
      { "a * b", seq(rep(0, nil, w("a")), w("b")) },
      { "b (a)?", seq(w("b"), rep(0, 1, w("a"))) },
      { "(a)* b", seq(rep(0, nil, w("a")), w("b")) },
      { "[]{3}", seq(rep(3, 3, tok(ANY))) },
      { "[]{2,}", seq(rep(2, nil, tok(ANY))) },
      { "a []{0,}", seq(w("a"), rep(0, nil, tok(ANY))) },
      { "a []{,4}", seq(w("a"), rep(0, 4, tok(ANY))) },
      { "[]{ 1 , 1000 }", seq(rep(1, 1000, tok(ANY))) },
      { "a{1}", seq(w("a")) },
      { "a{1,1}", seq(w("a")) },
      { "(a b)+", seq(rep(1, nil, seq(w("a"), w("b")))) },
      { "(a | b){2}", seq(rep(2, 2, alt(w("a"), w("b")))) },
      { "((a)?)* b", seq(rep(0, nil, rep(0, 1, w("a"))), w("b")) },
      { "a | b? c", seq(alt(w("a"), seq(rep(0, 1, w("b")), w("c")))) },
      { "a b?", seq(w("a"), rep(0, 1, w("b"))) },
      { "secur*? x", seq(rep(0, 1, tok(glob("secur*"))), w("x")) },
      { "a ?b", seq(w("a"), tok(glob("?b"))) },
      { "a;", seq(w("a")) },
      { "  a  ;  ", seq(w("a")) },
    }
    for _, c in ipairs(cases) do
      it(c[1], function() assert.same(c[2], pat(c[1])) end)
    end
  end)

  describe("compile: structures", function()
    local cases = {
      { '<segment kind = "salutation"> []', seq(open("segment", { kind = "salutation" }), tok(ANY)) },
      { "<segment kind='closing'> a", seq(open("segment", { kind = "closing" }), w("a")) },
      { "<segment> a", seq(open("segment"), w("a")) },
      { "<point ordinal = 2> a", seq(open("point", { ordinal = 2 }), w("a")) },
      { "<quotation depth=0> a", seq(open("quotation", { depth = 0 }), w("a")) },
      { "<s> a", seq(open("sentence"), w("a")) },
      { "< sentence > a", seq(open("sentence"), w("a")) },
      { "a </sentence>", seq(w("a"), close("sentence")) },
      { "a </s>", seq(w("a"), close("sentence")) },
      { "a </ speech >", seq(w("a"), close("speech")) },
      { "<quotation> [] </quotation>", seq(open("quotation"), tok(ANY), close("quotation")) },
      { "(<s> a)? b", seq(rep(0, 1, seq(open("sentence"), w("a"))), w("b")) },
    }
    for _, c in ipairs(cases) do
      it(c[1], function() assert.same(c[2], pat(c[1])) end)
    end

    it("within: sentence, s, segment, point, quotation, speech", function()
      for name, canon in pairs({ sentence = "sentence", s = "sentence", segment = "segment",
          point = "point", quotation = "quotation", speech = "speech" }) do
        local p = query.compile("a within " .. name)
        assert.same(seq(w("a")), p.seq)
        assert.equal(canon, p.within)
      end
      assert.equal("sentence", query.compile('[lower="secur.*"] within sentence').within)
      assert.equal("sentence", query.compile("a within\n s ;").within)
    end)
  end)

  describe("compile: metadata constraints", function()
    local function meta(s) return query.compile("a :: " .. s).meta end
    local cases = {
      { 'speaker = "Xi Jinping" & year >= 2015',
        { t = "and", cmp("speaker", "=", "Xi Jinping"), cmp("year", ">=", 2015) } },
      { 'speaker="Xi Jinping"&year>=2015',
        { t = "and", cmp("speaker", "=", "Xi Jinping"), cmp("year", ">=", 2015) } },
      { "year = 2015", cmp("year", "=", 2015) },
      { "year != 2015", cmp("year", "!=", 2015) },
      { "year < 2015", cmp("year", "<", 2015) },
      { "year <= 2015", cmp("year", "<=", 2015) },
      { "year > 2015", cmp("year", ">", 2015) },
      { "score > -3.5", cmp("score", ">", -3.5) },
      { "score < 1e3", cmp("score", "<", 1000.0) },
      { 'date >= "2020-11-10"', cmp("date", ">=", "2020-11-10") },
      { "date >= 2020-11-10", cmp("date", ">=", "2020-11-10") },
      { "title = 'People\\'s Republic'", cmp("title", "=", "People's Republic") },
      { [[title = "a \"b\" \\ c"]], cmp("title", "=", 'a "b" \\ c') },
      { 'country in ("CHN", "RUS")', { t = "in", field = "country", values = { "CHN", "RUS" } } },
      { "session in (75)", { t = "in", field = "session", values = { 75 } } },
      { "a = 1 | b = 2 & c = 3",
        { t = "or", cmp("a", "=", 1), { t = "and", cmp("b", "=", 2), cmp("c", "=", 3) } } },
      { "(a = 1 | b = 2) & c = 3",
        { t = "and", { t = "or", cmp("a", "=", 1), cmp("b", "=", 2) }, cmp("c", "=", 3) } },
      { "a = 1 & b = 2 & c = 3", { t = "and", cmp("a", "=", 1), cmp("b", "=", 2), cmp("c", "=", 3) } },
      { "!(a = 1)", { t = "not", cmp("a", "=", 1) } },
      { "!a = 1 & b = 2", { t = "and", { t = "not", cmp("a", "=", 1) }, cmp("b", "=", 2) } },
    }
    for _, c in ipairs(cases) do
      it(c[1], function() assert.same(c[2], meta(c[1])) end)
    end

    it("keeps integers integers and decimals floats", function()
      assert.equal("integer", math.type(meta("year = 2015").value))
      assert.equal("float", math.type(meta("x = 2015.0").value))
    end)

    it("takes within before ::", function()
      local p = query.compile('"shared" "future" within sentence :: speaker = "Xi Jinping" & year >= 2015')
      assert.equal("sentence", p.within)
      assert.same({ t = "and", cmp("speaker", "=", "Xi Jinping"), cmp("year", ">=", 2015) }, p.meta)
    end)
  end)

  describe("errors", function()
    -- { query, exact error }
    local cases = {
      -- empty
      { "", "query:1:1: empty query" },
      { "   \n ", "query:1:1: empty query" },
      { ";", "query:1:1: empty query" },
      -- brackets
      { '[word = "the"', "query:1:14: expected ']' after attribute test" },
      { '[word = "the" "x"]', "query:1:15: expected ']' after attribute test" },
      { "[", "query:1:2: expected an attribute test or ']' after '['" },
      { "[=", "query:1:2: expected an attribute test or ']' after '['" },
      { "[word", "query:1:6: expected '=' or '!=' after the attribute name" },
      { '[word "a"]', "query:1:7: expected '=' or '!=' after the attribute name" },
      { "[word =", "query:1:8: expected a quoted string after '='" },
      { "[word = the]", "query:1:9: expected a quoted string after '='" },
      { "[word != ]", "query:1:10: expected a quoted string after '!='" },
      { '[pos = "NN"]', "query:1:2: unknown attribute 'pos' (valid: word, lower, stem)" },
      { '[lemma = "be"]', "query:1:2: unknown attribute 'lemma' (valid: word, lower, stem)" },
      { '[word = "a" &]', "query:1:14: expected an attribute test after '&'" },
      { '[word = "a" | ]', "query:1:15: expected an attribute test after '|'" },
      { "[!]", "query:1:3: expected an attribute test after '!'" },
      { "[()]", "query:1:3: expected an attribute test after '('" },
      { '[(word = "a"]', "query:1:13: expected ')' to close the '(' at 1:2" },
      { '[word = "a"]]', "query:1:13: expected end of query, found ']'" },
      -- strings
      { '"secur.*', "query:1:9: expected '\"' to close the string started at 1:1" },
      { "'abc", "query:1:5: expected \"'\" to close the string started at 1:1" },
      { '"abc\\', "query:1:6: expected '\"' to close the string started at 1:1" },
      { 'a "b\\"', "query:1:7: expected '\"' to close the string started at 1:3" },
      { '[word = "a]', "query:1:12: expected '\"' to close the string started at 1:9" },
      -- flags
      { '"a"%x', "query:1:5: unknown flag 'x' (valid: c, d, l)" },
      { '"a"%cx', "query:1:6: unknown flag 'x' (valid: c, d, l)" },
      { '"a"%C', "query:1:5: unknown flag 'C' (valid: c, d, l)" },
      { '"a"%', "query:1:5: expected a flag (c, d or l) after '%'" },
      { '"a"% c', "query:1:5: expected a flag (c, d or l) after '%'" },
      { "security%c", "query:1:9: flags ('%') apply only to quoted strings" },
      -- regular expressions (light check)
      { '"secur(.*"', "query:1:7: unclosed '(' in regular expression" },
      { '"((a)"', "query:1:2: unclosed '(' in regular expression" },
      { '"secur).*"', "query:1:7: unmatched ')' in regular expression" },
      { '"secur[a-z"', "query:1:7: unclosed '[' in regular expression" },
      { '"[]"', "query:1:2: unclosed '[' in regular expression" },
      { '"*pandemic"', "query:1:2: nothing to repeat before '*' in regular expression" },
      { '"+x"', "query:1:2: nothing to repeat before '+' in regular expression" },
      { '"a|?b"', "query:1:4: nothing to repeat before '?' in regular expression" },
      { '"(*)"', nil },
      { '"{2}a"', "query:1:2: nothing to repeat before '{' in regular expression" },
      { '[lower = "x" & lower = "(a"]', "query:1:25: unclosed '(' in regular expression" },
      -- groups
      { '("a" "b"', "query:1:9: expected ')' to close the '(' at 1:1" },
      { "a (b\n c", "query:2:3: expected ')' to close the '(' at 1:3" },
      { "()", "query:1:2: expected a token, '(' or '<' after '('" },
      { "(", "query:1:2: expected a token, '(' or '<' after '('" },
      { "a )", "query:1:3: expected end of query, found ')'" },
      -- alternation
      { "| a", "query:1:1: expected a token, '(' or '<'" },
      { "a |", "query:1:4: expected a token, '(' or '<' after '|'" },
      { "a || b", "query:1:4: expected a token, '(' or '<' after '|'" },
      -- repetition
      { "a{3,1}", "query:1:2: bad repetition {3,1}: the minimum is above the maximum" },
      { "[]{1001}", "query:1:4: repetition bound 1001 is above 1000" },
      { "[]{2,1001}", "query:1:6: repetition bound 1001 is above 1000" },
      { "[]{1001,}", "query:1:4: repetition bound 1001 is above 1000" },
      { "[]{99999999999999999999999}", "query:1:4: repetition bound 99999999999999999999999 is above 1000" },
      { "a{0}", "query:1:2: the maximum of a repetition must be at least 1" },
      { "a{0,0}", "query:1:2: the maximum of a repetition must be at least 1" },
      { "a{", "query:1:3: expected a number after '{'" },
      { "a{x}", "query:1:3: expected a number after '{'" },
      { "a{-1}", "query:1:3: expected a number after '{'" },
      { "a{3", "query:1:4: expected ',' or '}' after the number" },
      { "a{3,", "query:1:5: expected a number or '}' after ','" },
      { "a{3,4", "query:1:6: expected '}' to close the repetition" },
      { "a{,}", "query:1:4: expected a number after ','" },
      { "a?? b", "query:1:3: a quantifier cannot follow another quantifier (use parentheses)" },
      { "a+*", "query:1:3: a quantifier cannot follow another quantifier (use parentheses)" },
      { '"a"? ?', "query:1:6: a quantifier cannot follow another quantifier (use parentheses)" },
      { "a{2}{3}", "query:1:5: a quantifier cannot follow another quantifier (use parentheses)" },
      { "* a", "query:1:1: expected a token, '(' or '<'" },
      { "<s>? a", "query:1:4: a structure tag cannot be repeated" },
      { "<s>{2} a", "query:1:4: a structure tag cannot be repeated" },
      { "a </s>*", "query:1:7: a structure tag cannot be repeated" },
      -- queries that can match no token
      { "a?", "query:1:1: query can match zero tokens: at least one token must be required" },
      { '"a"?', "query:1:1: query can match zero tokens: at least one token must be required" },
      { "[]*", "query:1:1: query can match zero tokens: at least one token must be required" },
      { "  <s>", "query:1:3: query can match zero tokens: at least one token must be required" },
      { '<s> "a"? </s>', "query:1:1: query can match zero tokens: at least one token must be required" },
      { '"a" | "b"?', "query:1:1: query can match zero tokens: at least one token must be required" },
      -- structure tags
      { "<", "query:1:2: expected a structure name after '<'" },
      { "< >", "query:1:3: expected a structure name after '<'" },
      { "</", "query:1:3: expected a structure name after '</'" },
      { "<foo> a",
        "query:1:2: unknown structure 'foo' (valid: sentence, s, segment, point, quotation, speech)" },
      { "<p> a", "query:1:2: unknown structure 'p' (valid: sentence, s, segment, point, quotation, speech)" },
      { "a </para>",
        "query:1:5: unknown structure 'para' (valid: sentence, s, segment, point, quotation, speech)" },
      { '<segment kind = "salutation"', "query:1:29: expected '>' to close the structure tag at 1:1" },
      { "a <s", "query:1:5: expected '>' to close the structure tag at 1:3" },
      { "a </s", "query:1:6: expected '>' to close the structure tag at 1:3" },
      { '</s kind="x">', "query:1:5: expected '>' to close the structure tag at 1:1" },
      { '<sentence kind = "x"> a', "query:1:11: structure 'sentence' has no attributes" },
      { '<speech id = 3> a', "query:1:9: structure 'speech' has no attributes" },
      { '<segment foo = "x"> a', "query:1:10: unknown attribute 'foo' of structure 'segment' (valid: kind)" },
      { "<segment kind> a", "query:1:14: expected '=' after the attribute name" },
      { "<segment kind => a", "query:1:16: expected a value after '='" },
      { "<segment kind = salutation> a", "query:1:17: expected a value after '='" },
      { "<segment kind = 2> a", "query:1:17: expected a quoted string for 'kind'" },
      { '<segment kind = "intro"> a',
        "query:1:17: unknown segment kind 'intro' (valid: salutation, paragraph, closing, heading)" },
      { '<segment kind="closing" kind="closing"> a', "query:1:25: attribute 'kind' given twice" },
      { '<point ordinal = "2"> a', "query:1:18: expected a whole number >= 1 for 'ordinal'" },
      { "<point ordinal = 0> a", "query:1:18: expected a whole number >= 1 for 'ordinal'" },
      { "<point ordinal = 1.5> a", "query:1:18: expected a whole number >= 1 for 'ordinal'" },
      { "<quotation depth = -1> a", "query:1:20: expected a whole number >= 0 for 'depth'" },
      -- within
      { "a within",
        "query:1:9: expected a structure after 'within' (sentence, s, segment, point, quotation, speech)" },
      { "a within 5 s",
        "query:1:10: expected a structure after 'within' (sentence, s, segment, point, quotation, speech)" },
      { "a within para",
        "query:1:10: unknown structure 'para' (valid: sentence, s, segment, point, quotation, speech)" },
      { "a within p",
        "query:1:10: unknown structure 'p' (valid: sentence, s, segment, point, quotation, speech)" },
      { 'a within s "b"', "query:1:12: expected end of query, found '\"'" },
      { "a within s within s", "query:1:12: expected end of query, found 'within'" },
      { "within s", "query:1:1: expected a token, '(' or '<'" },
      -- trailing garbage
      { "a ]", "query:1:3: expected end of query, found ']'" },
      { "a ; b", "query:1:5: expected end of query, found 'b'" },
      { 'a "b" }', "query:1:7: expected end of query, found '}'" },
      { "a\n  b >", "query:2:5: expected end of query, found '>'" },
      { "a , b", "query:1:3: expected end of query, found ','" },
      -- metadata
      { "a ::", "query:1:5: expected a metadata constraint after '::'" },
      { "a :: ;", "query:1:6: expected a metadata constraint after '::'" },
      { "a :: year", "query:1:10: expected an operator (=, !=, <, <=, >, >=, in) after the field name" },
      { "a :: year ~ 2", "query:1:11: expected an operator (=, !=, <, <=, >, >=, in) after the field name" },
      { "a :: year == 2015",
        "query:1:12: expected a value (a quoted string or a number) after the operator" },
      { "a :: year >=", "query:1:13: expected a value (a quoted string or a number) after the operator" },
      { "a :: speaker = Xi",
        "query:1:16: expected a value (a quoted string or a number) after the operator" },
      { "a :: year in 2015", "query:1:14: expected '(' after 'in'" },
      { "a :: year in (", "query:1:15: expected a value after '('" },
      { "a :: year in ()", "query:1:15: expected a value after '('" },
      { "a :: year in (1,)", "query:1:17: expected a value after ','" },
      { "a :: year in (1 2)", "query:1:17: expected ',' or ')' in the list of values" },
      { "a :: (year = 1", "query:1:15: expected ')' to close the '(' at 1:6" },
      { "a :: year = 1 &", "query:1:16: expected a metadata constraint after '&'" },
      { "a :: year = 1 | ", "query:1:17: expected a metadata constraint after '|'" },
      { "a :: !", "query:1:7: expected a metadata constraint after '!'" },
      { "a :: ()", "query:1:7: expected a metadata constraint after '('" },
      { "a :: year = 1 within s", "query:1:15: expected end of query ('within' comes before '::')" },
      { "a :: year = 2015abc", "query:1:17: expected end of query, found 'abc'" },
      { 'a :: speaker = "Xi', "query:1:19: expected '\"' to close the string started at 1:16" },
      { "a :: year = 1e999", "query:1:13: number out of range" },
      { ":: year = 1", "query:1:1: expected a token, '(' or '<'" },
      -- CQP features that rostra does not have
      { 'a:[word="x"]', "query:1:1: labels such as 'a:' are not supported" },
      { '"x" lbl:[]', "query:1:5: labels such as 'lbl:' are not supported" },
      { '@[word="x"]', "query:1:1: target markers ('@') are not supported" },
      { 'a @[word="x"]', "query:1:3: target markers ('@') are not supported" },
      { 'MU(meet "a" "b" s)', "query:1:1: MU (meet/union) queries are not supported" },
      { 'word = "a"', "query:1:1: attribute tests go in brackets: [word = \"...\"]" },
      { 'x lower != "a"', "query:1:3: attribute tests go in brackets: [lower = \"...\"]" },
      -- positions: lines and byte columns
      { "a\nb\n  ]", "query:3:3: expected end of query, found ']'" },
      { '"中国" ]', "query:1:10: expected end of query, found ']'" },
      { "a\r\n]", "query:2:1: expected end of query, found ']'" },
    }
    for _, c in ipairs(cases) do
      if c[2] then
        it(c[2], function()
          assert.equal(c[2], err(c[1]))
        end)
      else
        it("accepts " .. c[1], function()
          assert.is_table(query.compile(c[1]))
        end)
      end
    end

    it("raises a plain string error (no Lua position)", function()
      local ok, e = pcall(query.compile, "[")
      assert.is_false(ok)
      assert.equal("string", type(e))
      assert.truthy(e:match("^query:1:2: "))
    end)

    it("refuses a query nested too deeply", function()
      local deep = string.rep("(", 33) .. "a" .. string.rep(")", 33)
      assert.equal("query:1:33: query nested deeper than 32 levels", err(deep))
      local ok = string.rep("(", 32) .. "a" .. string.rep(")", 32)
      assert.same(seq(w("a")), pat(ok))
      local nots = "[" .. string.rep("!", 40) .. 'word="a"]'
      assert.equal("query:1:33: query nested deeper than 32 levels", err(nots))
      -- parentheses inside strings do not count
      assert.is_table(query.compile('"' .. string.rep("(", 40) .. string.rep(")", 40) .. '"'))
      -- != is not a negation
      assert.is_table(query.compile("[" .. string.rep('word != "a" & ', 100) .. 'word = "b"]'))
    end)

    it("refuses a query too long", function()
      local long = string.rep("a ", 8193)
      assert.equal("query:1:1: query too long (16386 bytes, at most 16384)", err(long))
      assert.is_table(query.compile(string.rep("a ", 8192)))
    end)

    it("never raises anything but a positioned error on random input", function()
      local pieces = { '"a"', '"b.*"', "'x'", '"A"%c', "a", "sec*", "[", "]", "(", ")", "|", "&", "!",
        "=", "!=", "word", "lower", "[]", "?", "*", "+", "{2}", "{1,3}", "<s>", "</s>", "<", ">",
        "within", "s", "::", "year", ">=", "2015", "in", ",", " ", "\n", "%", "{", "}", "@", ":", ";" }
      math.randomseed(7)
      for _ = 1, 3000 do
        local parts = {}
        for i = 1, math.random(1, 10) do parts[i] = pieces[math.random(#pieces)] end
        local s = table.concat(parts, math.random() < 0.5 and " " or "")
        local ok, e = pcall(query.compile, s)
        if not ok then
          assert.equal("string", type(e), s)
          assert.truthy(e:match("^query:%d+:%d+: "), s .. " -> " .. e)
        end
      end
    end)
  end)

  describe("tostring", function()
    local cases = {
      { '"shared" "future"', '"shared" "future"' },
      { '[lower="secur.*"] within s', '[lower = "secur.*"] within sentence' },
      { '"development" []{0,3} "cooperation"', '"development" []{0,3} "cooperation"' },
      { '<segment kind="salutation"> []', '<segment kind = "salutation"> []' },
      { ':: speaker = "Xi Jinping" & year >= 2015', nil },
      { 'a ::speaker="Xi Jinping"&year>=2015', 'a :: speaker = "Xi Jinping" & year >= 2015' },
      { "Security SECUR* *Pandemic", "security secur* *pandemic" },
      { '[word="the"]', '"the"' },
      { "[lower='x']", "x" },
      { '[lower="Security"]', '[lower = "Security"]' },
      { '[lower="within"]', '[lower = "within"]' },
      { "Within", '[lower = "within"]' },
      { '[lower="a+b"%l]', '[lower = "a+b"%l]' },
      { '"U\\.S\\."', '"U.S."%l' },
      { '"a+b"%dlc', '"a+b"%cdl' },
      { '"a"%dc', '"a"%cd' },
      { "'say \"hi\".*'", '"say \\"hi\\".*"' },
      { "'it\\'s'", "\"it's\"" },
      { '"a\\\\"', '"a\\\\"%l' },
      { '"a\\\\b"%l', '"a\\\\b"%l' },
      { "a b? c", "a b? c" },
      { "a (b)? c", "a b? c" },
      { "a b ? c", "a b? c" },
      { "a*? b", "a*? b" },
      { "(a)* (a*)* b", "(a)* (a*)* b" },
      { "a (b)* c", "a (b)* c" },
      { "a+ b{2} c{2,} d{0,3} e{,3} f{0,1} g{0,}", "a+ b{2} c{2,} d{0,3} e{0,3} f? (g)*" },
      { '"a"? "b"', '"a"? "b"' },
      { "(a b)+", "(a b)+" },
      { "((a)?)+ b", "(a?)+ b" },
      { "a | b c", "a | b c" },
      { "(a | b c) d", "(a | b c) d" },
      { "((a | b) | c)", "a | b | c" },
      { "(a | b)* c", "(a | b)* c" },
      { '[word="a" & (word="b" | word="c")]', '[word = "a" & (word = "b" | word = "c")]' },
      { '[word="a" | word="b" & word="c"]', '[word = "a" | word = "b" & word = "c"]' },
      { '[!word="a"]', '[!(word = "a")]' },
      { '[!!word="a"]', '[!!(word = "a")]' },
      { '[word != "a"]', '[word != "a"]' },
      { "<s> a </s>", "<sentence> a </sentence>" },
      { "<point ordinal=2> a", "<point ordinal = 2> a" },
      { "a :: x in (1, 'b', 2.5) | !(y = -1)", 'a :: x in (1, "b", 2.5) | !(y = -1)' },
      { 'a :: (x = 1 | y = 2) & z = "a\\"b"', 'a :: (x = 1 | y = 2) & z = "a\\"b"' },
      { "a :: x = 2015.0 & y = 1e3 & d >= 2020-11-10", 'a :: x = 2015.0 & y = 1000.0 & d >= "2020-11-10"' },
      { "a :: x = 0.1", "a :: x = 0.1" },
      { "People’s 1,000 u.s.", "people's 1,000 u.s." },
    }
    for _, c in ipairs(cases) do
      if c[2] then
        it(c[1] .. " -> " .. c[2], function()
          assert.equal(c[2], query.tostring(query.compile(c[1])))
        end)
      end
    end

    it("raises on a non-program", function()
      assert.has_error(function() query.tostring("a") end,
        "bad argument #1 to 'tostring' (program expected, got string)")
      assert.has_error(function() query.tostring({ seq = seq({ op = "jump" }) }) end,
        "bad node 'jump' in program")
      assert.has_error(function() query.tostring({ seq = seq(tok({ t = "like" })) }) end,
        "bad test 'like' in program")
      assert.has_error(function() query.tostring({ seq = seq(w("a")), meta = { t = "cmpx" } }) end,
        "bad metadata node 'cmpx' in program")
    end)

    it("prints a glob it cannot write as a word as a regular expression", function()
      local p = { seq = seq(tok(glob("ab?")), tok(ne(glob("x*")))) }
      assert.equal('[lower = "ab."] [lower != "x.*"]', query.tostring(p))
    end)
  end)

  describe("round trip: compile(tostring(compile(q))) == compile(q)", function()
    local queries = {
      '"shared" "future"', '[lower="secur.*"] within sentence', '"development" []{0,3} "cooperation"',
      '<segment kind="salutation"> []', 'a :: speaker = "Xi Jinping" & year >= 2015',
      "security secur* *pandemic wom?n", "Security People’s ÉTAT", '"security"%c "sécurité"%cd',
      '"a+b"%l', '"U\\.S\\." "c\\+\\+"', '"\\d+" "\\w+"%c', "'it\\'s' 'say \"hi\".*'", '"\\".*"',
      '"a\\\\"', '"a\\\\b"%l', '"a\\"b"%l', '"(?i)x" "[[:alpha:]]+" "[]a]+" "a{2,3}"', '""',
      '[word != "the" & !(stem = "x" | lower = "y")]', '[(word="a"|word="b")&word="c"]',
      '[word="a" | word="b" & word="c"]', "[!!word='a']", "[lower = 'Security'] [lower = 'within']",
      "a b? c", "(a)* b", "a+ b{2} c{2,} d{0,3} e{,3} f{1}", "((a)?)* b", "(a b)+ (a | b){2}",
      "a | b c", "(a | (b | c)) d", "a | b? c", "x?y* (b)? c?", "<s> a </s>", "<point ordinal = 2> a",
      "<quotation depth = 0> [] </quotation>", "(<s> a)? b", "a within s", "a within speech",
      "a :: x in (1, 'b', 2.5, 2020-11-10) | !(y = -1) & !!z = 1e3", "a :: (x = 1 | y = 2) & z = 'a\"b'",
      "a :: x = 0.1 & y = 123456789.125 & z = -0.0", "1,000 3.5 u.s. 中国 \"中国\"",
    }
    for _, s in ipairs(queries) do
      it(s, function()
        local p = query.compile(s)
        local text = query.tostring(p)
        assert.same(p, query.compile(text))
        assert.equal(text, query.tostring(query.compile(text)))
      end)
    end

    it("holds for 3000 generated queries", function()
      local R = math.random
      local function pick(t) return t[R(#t)] end
      local strs = { '"a"', '"b.*"', "'x\"y'", '"A"', '"é"', '"a\\"b"', "'it\\'s'", '"U\\.S\\."', '"a+"',
        '"\\\\"', '"[a-z]+"', '"(a|b)"', '"a\'b"', "'\\\"'", '"x{2}"' }
      local function str() return pick(strs) .. pick({ "", "", "%c", "%d", "%cd", "%l", "%dl", "%lc" }) end
      local function ctest(d)
        local r = R(4)
        if d > 2 or r == 1 then
          return pick({ "word", "lower", "stem" }) .. pick({ " = ", "!=", "=" }) .. str()
        end
        if r == 2 then return ctest(d + 1) .. pick({ " & ", "|", " | ", "&" }) .. ctest(d + 1) end
        if r == 3 then return "!" .. ctest(d + 1) end
        return "(" .. ctest(d + 1) .. ")"
      end
      local node
      local function atom(d)
        local r = R(7)
        if r == 1 then return "[" .. ctest(0) .. "]" end
        if r == 2 then return "[]" end
        if r == 3 then return str() end
        if r == 4 then
          return pick({ "a", "Security", "sec*", "*ity", "?x", "people's", "u.s.", "1,000", "Within",
            "x?y*", "a?", "b*?" })
        end
        if r == 5 and d < 3 then return "(" .. node(d + 1) .. ")" end
        if r == 6 then
          return pick({ "<s>", "</s>", "<segment kind='closing'>", "<point ordinal=3>", "</speech>" })
        end
        return "a"
      end
      local function item(d)
        local a = atom(d)
        if a:sub(1, 1) ~= "<" and R(3) == 1 then
          a = a .. pick({ " ?", "*", "+", "{2}", "{1,3}", "{0,}", "{,5}", "{1}", "{0,1}" })
        end
        return a
      end
      node = function(d)
        local parts = {}
        for i = 1, R(3) do parts[i] = item(d) end
        local s = table.concat(parts, " ")
        if R(4) == 1 then s = s .. " | " .. node(d + 1) end
        return s
      end
      local function mval() return pick({ '"x"', "2015", "-3.5", "2020-11-10", "'a\\'b'", "1e3", "0.1" }) end
      local function meta(d)
        local r = R(5)
        if d > 2 or r == 1 then
          return pick({ "year", "speaker" }) .. pick({ " = ", "!=", "<", "<=", ">", ">=" }) .. mval()
        end
        if r == 2 then return "country in (" .. mval() .. ", " .. mval() .. ")" end
        if r == 3 then return meta(d + 1) .. pick({ " & ", " | " }) .. meta(d + 1) end
        if r == 4 then return "!" .. meta(d + 1) end
        return "(" .. meta(d + 1) .. ")"
      end
      math.randomseed(42)
      local compiled = 0
      for _ = 1, 3000 do
        local s = node(0)
        if R(3) == 1 then
          s = s .. " within " .. pick({ "s", "sentence", "segment", "point", "quotation", "speech" })
        end
        if R(3) == 1 then s = s .. " :: " .. meta(0) end
        local ok, p = pcall(query.compile, s)
        if ok then
          compiled = compiled + 1
          local text = query.tostring(p)
          assert.same(p, query.compile(text), s .. " -> " .. text)
        else
          -- the generator may repeat an optional word ("a?" "{2}") or make a query
          -- that matches zero tokens
          assert.truthy(p:match("^query:1:%d+: query can match zero tokens")
            or p:match("^query:1:%d+: a quantifier cannot follow another quantifier"), s .. " -> " .. p)
        end
      end
      assert.is_true(compiled > 2000)
    end)
  end)

  describe("literals", function()
    local function lits(s) return query.literals(query.compile(s)) end
    local cases = {
      { "a b? c", { { L("lower", "a") }, { L("lower", "c") } } },
      { "(a | b) c", { { L("lower", "a"), L("lower", "b") }, { L("lower", "c") } } },
      { '"shared" "future"', { { L("word", "shared") }, { L("word", "future") } } },
      { '"development" []{0,3} "cooperation"',
        { { L("word", "development") }, { L("word", "cooperation") } } },
      { "[] secur*", {} },
      { '"secur.*"', {} },
      { '"Security"%c', { { L("word", "Security", "c") } } },
      { '"a+"%l', { { L("word", "a+") } } },
      { '[lower = "a" & stem = "b"]', { { L("lower", "a") }, { L("stem", "b") } } },
      { '[lower = "a" | stem = "b"]', { { L("lower", "a"), L("stem", "b") } } },
      { '[lower = "a" | stem = "b.*"]', {} },
      { '[lower = "a" & word != "A"]', { { L("lower", "a") } } },
      { '[!lower = "a"]', {} },
      { '[word != "a"]', {} },
      { "a+ b* c{2,3} d{0,2}", { { L("lower", "a") }, { L("lower", "c") } } },
      { "(a b | c) d", { { L("lower", "a"), L("lower", "c") }, { L("lower", "d") } } },
      { "(a | b?) c", { { L("lower", "c") } } },
      { "(a | []) c", { { L("lower", "c") } } },
      { "a | b | a", { { L("lower", "a"), L("lower", "b") } } },
      { "a b a", { { L("lower", "a") }, { L("lower", "b") } } },
      { "(a | b) (b | a)", { { L("lower", "a"), L("lower", "b") } } },
      { "<s> a </s>", { { L("lower", "a") } } },
      { "(a b)+ c", { { L("lower", "a") }, { L("lower", "b") }, { L("lower", "c") } } },
      { "(a b)? c", { { L("lower", "c") } } },
    }
    for _, c in ipairs(cases) do
      it(c[1], function() assert.same(c[2], lits(c[1])) end)
    end

    it("are in the compiled program too", function()
      local p = query.compile("(a | b) c")
      assert.same(query.literals(p), p.literals)
    end)

    it("accept a node", function()
      assert.same({ { L("lower", "a") } }, query.literals(seq(w("a"), rep(0, 1, w("b")))))
    end)
  end)

  describe("the examples of docs/query.md", function()
    local examples = {
      '"shared" "future"', "community of shared future", '[lower = "secur.*"] within sentence',
      '"development" []{0,3} "cooperation"', '<segment kind = "salutation"> []',
      'win-win cooperation :: speaker = "Xi Jinping" & year >= 2015', '"Security"', '"secur(e|ity)"',
      '"[0-9]{4}"', [["U\.S\."]], [['say "no"']], [["it's" 'it\'s' "a\"b"]], '"security"%c',
      '"developpement"%d', '"c++"%l', '"?"%l', "security", "People’s", "secur*", "*pandemic", "wom?n",
      "win-win  U.S.  1,000  3.5", '"AT&T"', '"within"%c', '[lower = "within"]', "peace? security",
      "(very)* good", "[]", '[word = "the"]', '[stem = "develop"]', '[word != "the"]',
      '[lower = "people" & word != "people"]', '[stem = "develop" | stem = "grow"]',
      '[!(lower = "we" | lower = "our")]', "( peace | security | stability ) and development", "a b | c d",
      '[stem = "develop"] []? "countries"', "(very)+ important", '("a"?){2} b',
      '"development" []* "security" within sentence', "secur* within quotation",
      '"peace" []{0,10} "people" within s', '<segment kind = "closing"> []{0,20} "thank"%c',
      "<point ordinal = 2> []{0,5} security", '<s> "we" "must"', '"future" "[.!?]" </s>',
      '<quotation> [lower = "we|our"]', 'a :: country in ("CHN", "RUS") & !(year < 2000)',
      'a :: date >= "2020-01-01" & date < 2021-01-01', "a :: session = 75 | session = 76",
      "a within sentence :: year >= 2015;",
    }
    for _, e in ipairs(examples) do
      it(e, function() assert.is_table(query.compile(e)) end)
    end

    it("canonical form", function()
      assert.equal('x "U.S."%l security a? :: year >= 2015',
        query.tostring(query.compile([=[[lower='x'] "U\.S\." Security{1} a{0,1} :: year>=2015]=])))
    end)

    it("program", function()
      local function lw(v) return L("lower", v) end
      assert.same({
        seq = seq(w("community"), w("of"), w("shared"), w("future")),
        within = "sentence",
        meta = cmp("year", ">=", 2015),
        literals = { { lw("community") }, { lw("of") }, { lw("shared") }, { lw("future") } },
      }, query.compile("community of shared future within s :: year >= 2015"))
    end)
  end)

  describe("glob_to_regex", function()
    local cases = {
      { "secur*", "^secur.*$" },
      { "*pandemic", "^.*pandemic$" },
      { "wom?n", "^wom.n$" },
      { "u.s.", "^u\\.s\\.$" },
      { "a+b(c)[d]{e}|f^g$h\\i", "^a\\+b\\(c\\)\\[d\\]\\{e\\}\\|f\\^g\\$h\\\\i$" },
      { "anti-*", "^anti-.*$" },
      { "people's", "^people's$" },
      { "中*", "^中.*$" },
      { "", "^$" },
    }
    for _, c in ipairs(cases) do
      it(c[1] .. " -> " .. c[2], function() assert.equal(c[2], query.glob_to_regex(c[1])) end)
    end
  end)

  describe("is_plain", function()
    it("is true without regex metacharacters", function()
      for _, s in ipairs({ "security", "people's", "win-win", "中国", "", "a b", "a,b", "a\"b", "%c" }) do
        assert.is_true(query.is_plain(s), s)
      end
    end)
    it("is false with any of \\ ^ $ . | ? * + ( ) [ ] { }", function()
      for c in ("\\^$.|?*+()[]{}"):gmatch(".") do
        assert.is_false(query.is_plain("a" .. c .. "b"), c)
      end
    end)
    it("raises on a non-string", function()
      assert.has_error(function() query.is_plain(1) end,
        "bad argument #1 to 'is_plain' (string expected, got number)")
    end)
  end)
end)
