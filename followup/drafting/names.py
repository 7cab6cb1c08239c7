"""Who a speaker label is in the CRM: "Mori" (surname only), "Wei Jie" (given names of "Lim Wei Jie"), "Jess" (a short
form of exactly one contact's first name). Used by the call context, so steps and roles name people the same way."""
from __future__ import annotations

import functools
import unicodedata

NICKNAMES = {
    "tom": ("thomas",), "tommy": ("thomas",), "bill": ("william",), "will": ("william",), "liam": ("william",),
    "bob": ("robert",), "rob": ("robert",), "bobby": ("robert",), "bert": ("robert", "albert", "herbert"),
    "liz": ("elizabeth",), "beth": ("elizabeth", "bethany"), "betty": ("elizabeth",), "lisa": ("elizabeth",),
    "jim": ("james",), "jimmy": ("james",), "jamie": ("james",), "mike": ("michael",), "mick": ("michael",),
    "dave": ("david",), "davy": ("david",), "tony": ("anthony", "antonio"), "kate": ("katherine", "kathryn", "catherine"),
    "katie": ("katherine", "kathryn", "catherine"), "cathy": ("catherine",), "kathy": ("katherine", "kathryn"),
    "meg": ("margaret", "megan"), "maggie": ("margaret",), "peggy": ("margaret",), "sue": ("susan", "suzanne"),
    "andy": ("andrew",), "drew": ("andrew",), "steve": ("stephen", "steven"), "joe": ("joseph",), "ted": ("edward",),
    "ed": ("edward", "edmund"), "eddie": ("edward",), "jack": ("john",), "johnny": ("john",), "dick": ("richard",),
    "rick": ("richard",), "rich": ("richard",), "chuck": ("charles",), "charlie": ("charles",), "sam": ("samuel", "samantha"),
    "matt": ("matthew",), "dan": ("daniel",), "danny": ("daniel",), "chris": ("christopher", "christine", "christina"),
    "alex": ("alexander", "alexandra", "alejandro"), "nick": ("nicholas", "nikolaus"), "ben": ("benjamin",),
    "tim": ("timothy",), "greg": ("gregory",), "jon": ("jonathan",), "jen": ("jennifer",), "jenny": ("jennifer",),
    "pat": ("patrick", "patricia"), "patty": ("patricia",), "fred": ("frederick", "alfred"), "jeff": ("jeffrey",),
    "nate": ("nathan", "nathaniel"), "pete": ("peter",), "phil": ("philip", "phillip"), "ron": ("ronald",),
    "don": ("donald",), "ken": ("kenneth",), "larry": ("lawrence",), "gerry": ("gerald", "gerard"), "abby": ("abigail",),
    "vicky": ("victoria",), "tori": ("victoria",), "becky": ("rebecca",), "mandy": ("amanda",), "manny": ("manuel",),
    "pepe": ("jose",), "paco": ("francisco",), "nacho": ("ignacio",), "fran": ("francisco", "francesca", "frances"),
    "jess": ("jessica",), "jessie": ("jessica",), "sandy": ("sandra", "alexandra"), "wendy": ("gwendolyn",),
}


@functools.lru_cache(maxsize=8192)
def fold(text: str) -> str:
    """A name as compared: accents dropped, lower case ("Mäkelä" -> "makela")."""
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower().strip()


def nickname_for(said: str, names: list[str]) -> str | None:
    """The one name whose first name "said" is a short form of ("Tom" -> Thomas Reed, "Liz Ward" -> Elizabeth Ward)."""
    parts = fold(said).split()
    if not parts or len(parts) > 2:
        return None
    hits = {n for n in names for full in (fold(n).split(),)
            if full and full[0] in NICKNAMES.get(parts[0], ()) and (len(parts) == 1 or full[-1] == parts[-1])}
    return hits.pop() if len(hits) == 1 else None


def crm_name_for(speaker: str, crm_names: list[str]) -> str | None:
    """The one CRM full name a speaker label stands for, or None when it is nobody's or could be several people's."""
    said = fold(speaker).split()
    if not said:
        return None
    full = [n for n in crm_names if len(n.split()) > 1]
    for test in (lambda parts: len(said) == 1 and parts[-1] == said[0],              # "Mori" -> "Ayaka Mori"
                 lambda parts: len(said) >= 2 and parts[1:] == said):              # "Wei Jie" -> "Lim Wei Jie"
        hits = {n for n in full if test(fold(n).split())}
        if len(hits) == 1:
            return hits.pop()
    return nickname_for(speaker, full) if len(said) == 1 else None  # "Jess" -> "Jessica Moreno"
