// Trend symbols: `SymbolNormalizer` turns topic text into `VIRAL/SA_<CATEGORY>_<NAME>_<NNN>`,
// deterministically and collision-free, as a pure function over a registry value the listing
// actor keeps in its state; `MarketSymbol` validates symbols at the edge.
import { Either, Schema } from "effect"

/** Symbols look like `VIRAL/SA_CRYPTO_BTC_001`: upper-case A-Z0-9_ and a 3-digit number. */
export const SYMBOL_PATTERN = /^VIRAL\/SA_[A-Z0-9_]+_\d{3}$/

/** A validated market symbol. */
export const MarketSymbol = Schema.String.pipe(
  Schema.pattern(SYMBOL_PATTERN, { message: () => "expected a symbol like VIRAL/SA_CRYPTO_BTC_001" }),
  Schema.brand("MarketSymbol")
)
/** A validated market symbol. */
export type MarketSymbol = typeof MarketSymbol.Type

/** True when `s` is a well-formed symbol. */
export const isMarketSymbol = (s: string): s is MarketSymbol => SYMBOL_PATTERN.test(s)

/** Symbols handed out so far: canonical topic → symbol, and the last number per base. */
export interface SymbolRegistry {
  readonly topics: Readonly<Record<string, string>>
  readonly counters: Readonly<Record<string, number>>
}

/** Result of normalising a topic: its symbol and the registry that now includes it. */
export interface Normalized {
  readonly symbol: MarketSymbol
  readonly registry: SymbolRegistry
}

// Words that mark a category; the word itself stays in the name unless it is also generic.
const CATEGORY_WORDS: ReadonlyArray<readonly [string, ReadonlyArray<string>]> = [
  ["CRYPTO", ["BITCOIN", "BTC", "ETHEREUM", "ETH", "CRYPTO", "DOGECOIN", "DOGE", "SOLANA", "XRP", "BLOCKCHAIN"]],
  ["SPORTS", ["SPRINGBOKS", "BOKKE", "RUGBY", "BAFANA", "SOCCER", "FOOTBALL", "CRICKET", "PROTEAS", "PSL",
    "SUNDOWNS", "CHIEFS", "PIRATES", "OLYMPICS", "MARATHON", "BOXING"]],
  ["POLITICS", ["ELECTION", "ELECTIONS", "PARLIAMENT", "PRESIDENT", "RAMAPHOSA", "ANC", "BUDGET"]],
  ["ENERGY", ["LOADSHEDDING", "ESKOM", "PETROL", "FUEL"]],
  ["FINANCE", ["RAND", "JSE", "STOCKS", "INTEREST", "REPO"]],
  ["TV", ["NETFLIX", "SHOWMAX", "SOAPIE", "IDOLS", "BBMZANSI"]]
]

// Well-known names shortened the way traders write them.
const ALIASES: Readonly<Record<string, string>> = {
  BITCOIN: "BTC", ETHEREUM: "ETH", DOGECOIN: "DOGE", SOLANA: "SOL", BOKKE: "SPRINGBOKS"
}

// Words that describe the movement or the format of a trend, not what it is about.
const GENERIC = new Set([
  "A", "AN", "THE", "OF", "IN", "ON", "FOR", "AND", "TO", "IS", "AT", "BY", "WITH", "VS",
  "PRICE", "PRICES", "SPIKE", "SURGE", "CRASH", "RALLY", "DROP", "PUMP", "DUMP", "WIN", "WINS", "WON", "LOSS",
  "LOSE", "DANCE", "CHALLENGE", "TREND", "TRENDING", "VIRAL", "NEWS", "VIDEO", "MEME", "HASHTAG", "UPDATE"
])

const MAX_NAME_WORDS = 3
const MAX_NAME_LENGTH = 24

/** Upper-case A-Z0-9 words of a text, accents folded and apostrophes dropped. */
const words = (text: string): Array<string> =>
  text
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/['’]/g, "")
    .toUpperCase()
    .split(/[^A-Z0-9]+/)
    .filter((w) => w.length > 0)

/** The topic as the registry keys it: its words, so case, spacing and punctuation do not matter. */
export const canonicalTopic = (topic: string): string => words(topic).join(" ")

/** The category a topic's words point to, or "" when none does. */
export const inferCategory = (topic: string): string => {
  const ws = new Set(words(topic))
  for (const [category, marks] of CATEGORY_WORDS) if (marks.some((m) => ws.has(m))) return category
  return ""
}

/** `<CATEGORY>_<NAME>` without the number, e.g. `SA_CRYPTO_BTC`. */
export const symbolBase = (topic: string, category?: string): string => {
  const ws = words(topic)
  const significant = ws.filter((w) => !GENERIC.has(w)).map((w) => ALIASES[w] ?? w)
  const picked = (significant.length > 0 ? significant : ws).slice(0, MAX_NAME_WORDS)
  const name = (picked.length > 0 ? picked.join("_") : "TREND").slice(0, MAX_NAME_LENGTH).replace(/_+$/, "")
  const cat = category === undefined ? inferCategory(topic) : words(category).join("_")
  return cat === "" ? `SA_${name}` : `SA_${cat}_${name}`
}

/** An empty registry. */
export const emptyRegistry: SymbolRegistry = { topics: {}, counters: {} }

/**
 * Topic → symbol. The same canonical topic (and category) always returns its first symbol;
 * a new topic whose base is taken gets the next number (`_002`, ...); beyond 999 it is refused.
 */
export const normalize = (
  registry: SymbolRegistry,
  topic: string,
  category?: string
): Either.Either<Normalized, string> => {
  const key = `${canonicalTopic(topic)}|${category === undefined ? "" : words(category).join("_")}`
  const known = registry.topics[key]
  if (known !== undefined) return Either.right({ symbol: known as MarketSymbol, registry })
  if (canonicalTopic(topic) === "") return Either.left("topic has no letters or digits")
  const base = symbolBase(topic, category)
  const n = (registry.counters[base] ?? 0) + 1
  if (n > 999) return Either.left(`no symbol numbers left for ${base}`)
  const symbol = `VIRAL/${base}_${String(n).padStart(3, "0")}` as MarketSymbol
  return Either.right({
    symbol,
    registry: { topics: { ...registry.topics, [key]: symbol }, counters: { ...registry.counters, [base]: n } }
  })
}

/** Topic text → `VIRAL/SA_<CATEGORY>_<NAME>_<NNN>` over a registry value (see `normalize`). */
export const SymbolNormalizer = { empty: emptyRegistry, normalize, canonicalTopic, inferCategory, symbolBase } as const
