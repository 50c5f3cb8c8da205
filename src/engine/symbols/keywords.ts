/**
 * Reserved words of each language (and the literals and self-references that
 * read like identifiers: true, null, this, self). They are never recorded as
 * references. Contextual words that are also common names (`type`, `get`,
 * `value`, `from`) are left in: they are identifiers far more often than not.
 */
function words(list: string): ReadonlySet<string> {
  return new Set(list.split(/\s+/).filter(Boolean));
}

const JAVASCRIPT =
  'await break case catch class const continue debugger default delete do else export extends false finally for ' +
  'function if import in instanceof let new null return super switch this throw true try typeof var void while with ' +
  'yield async static undefined';
const TYPESCRIPT = `${JAVASCRIPT} abstract any boolean declare enum implements interface keyof namespace never number ` +
  'object private protected public readonly string symbol unknown bigint infer is satisfies override';

const C = 'auto break case char const continue default do double else enum extern float for goto if inline int long ' +
  'register restrict return short signed sizeof static struct switch typedef union unsigned void volatile while ' +
  '_Bool _Complex _Atomic _Noreturn _Static_assert _Thread_local NULL true false bool ' +
  'include define undef ifdef ifndef endif elif pragma error defined';
const CPP = `${C} alignas alignof and and_eq asm catch char8_t char16_t char32_t class compl concept consteval constexpr ` +
  'constinit const_cast co_await co_return co_yield decltype delete dynamic_cast explicit export friend mutable ' +
  'namespace new noexcept not not_eq nullptr operator or or_eq private protected public reinterpret_cast requires ' +
  'static_assert static_cast template this thread_local throw try typeid typename using virtual wchar_t xor xor_eq ' +
  'override final';

export const KEYWORDS: Record<string, ReadonlySet<string>> = {
  javascript: words(JAVASCRIPT),
  typescript: words(TYPESCRIPT),
  tsx: words(TYPESCRIPT),
  python: words(
    'False None True and as assert async await break class continue def del elif else except finally for from global ' +
      'if import in is lambda nonlocal not or pass raise return try while with yield self cls',
  ),
  go: words(
    'break case chan const continue default defer else fallthrough for func go goto if import interface map package ' +
      'range return select struct switch type var true false nil iota',
  ),
  rust: words(
    'as async await break const continue crate dyn else enum extern false fn for if impl in let loop match mod move ' +
      'mut pub ref return self Self static struct super trait true type unsafe use where while union macro_rules',
  ),
  java: words(
    'abstract assert boolean break byte case catch char class const continue default do double else enum extends final ' +
      'finally float for goto if implements import instanceof int interface long native new package private protected ' +
      'public return short static strictfp super switch synchronized this throw throws transient try void volatile ' +
      'while true false null var record yield sealed permits non',
  ),
  c: words(C),
  cpp: words(CPP),
  csharp: words(
    'abstract as base bool break byte case catch char checked class const continue decimal default delegate do double ' +
      'else enum event explicit extern false finally fixed float for foreach goto if implicit in int interface internal ' +
      'is lock long namespace new null object operator out override params private protected public readonly ref return ' +
      'sbyte sealed short sizeof stackalloc static string struct switch this throw true try typeof uint ulong unchecked ' +
      'unsafe ushort using virtual void volatile while var async await record init ' +
      'region endregion pragma warning nullable define undef elif endif',
  ),
  ruby: words(
    'BEGIN END alias and begin break case class def defined do else elsif end ensure false for if in module next nil not ' +
      'or redo rescue retry return self super then true undef unless until when while yield __FILE__ __LINE__',
  ),
  php: words(
    'abstract and array as break callable case catch class clone const continue declare default do echo else elseif ' +
      'empty enddeclare endfor endforeach endif endswitch endwhile enum extends final finally fn for foreach function ' +
      'global goto if implements include include_once instanceof insteadof interface isset list match namespace new or ' +
      'print private protected public readonly require require_once return static switch throw trait try unset use var ' +
      'while xor yield true false null this self parent php',
  ),
};
