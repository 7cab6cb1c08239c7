"""Buyer roles said on a call, mapped to the OpportunityContactRole picklist.

Who gets a role:
- buyer-side people only. The vendor side is the rep, anyone the call introduces as a colleague of the
  rep ("my colleague Ravi", "Jeff from our deal desk", "Annika, product management at <vendor>") and
  CRM contacts whose email domain is the rep's. CRM Contacts are the account's side.
- a CRM contact who speaks or is named on the call: the role from what the call says about them, else
  a prior from their CRM title (CFO → Economic Buyer, procurement/legal → Other, head of (information)
  security → Technical Buyer, security/privacy staff → Evaluator, risk/compliance alone → nothing,
  architect/engineering/IT → Technical Buyer, VP/Head/Director → Decision Maker, analyst/BI → Evaluator,
  office/operations/fleet staff → Business User, ...; no CRM title: the title said on the call). Procurement
  or legal buying a tool for its own function (their department named in the opportunity) is its Decision
  Maker / Business User, not "Other". A contact whose title suggests nothing but who speaks gets a default
  from how they take part: several technical questions → Technical Buyer, talk about the daily work →
  Business User, scheduling or small talk → nothing.
- someone named on the call who is not a contact ("in_crm" false): only on an explicit cue or a title said with the
  name ("our in-house counsel, Jonas Berg" -> Other; "the final
  signature is with our CFO, Paola Marino", "I'll need Matthias to approve the budget"). "Dr. Amira Haddad"
  is Amira Haddad; "It's Maria's budget" is about Maria.
- an unintroduced speaker who talks about "our platform/onboarding/engineers" is vendor side.

Cues are read per sentence with the person they are about: the speaker ("I own the budget"), a name or
a title said in the sentence ("Renée, our CFO, signs off anything over 50k", "Keisha's team ran the
trial"), or he/she/him/her for the person named last in the recent turns; a compound subject ("She and I
decide", "Sara and I will sign off") gives both people the cue. Negated cues ("I don't sign
contracts of this size") do not count; "I can argue for it but I don't sign" marks an Influencer.
Strength: explicit cue 3, weaker cue 2, title prior 1; the strongest wins, then the picklist priority.
A named budget holder outranks a CFO title elsewhere on the call; at most one Decision Maker comes from
a title alone (none when the call names one), the others with a business title become Business Users.
When nobody decides: if the finance side signs (finance-titled Economic Buyer, not an owner/CEO), the
manager-level business contact carrying a real share of the buyer side's talk is the Decision Maker; a
senior technical head with their own engineer on the call is the Decision Maker and the engineer the
Technical Buyer. These defaults are title-level (inferred, lower confidence).
Questions are not cues. Confidence follows ``followup.drafting.context.confidence``: explicit for an
explicit cue, else inferred; the validator is the CRM title agreeing with a cue; agreement is a second
turn saying the same; hedged when the sentence is.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from followup.domain.proposal import Evidence
from followup.domain.snapshot import Contact
from followup.drafting.context import (HEDGE, INJECTION, CallContext, SentenceIndex, Unit, confidence, evidence,
                                       has_contact_details, required_literals)
from followup.drafting.model import ExtractedRole
from followup.drafting.names import fold, nickname_for

PRIORITY = ["Economic Buyer", "Executive Sponsor", "Decision Maker", "Technical Buyer", "Evaluator", "Influencer",
            "Business User", "Other"]

UP = "A-ZÀ-ÖØ-Þ"
NAME_TOKEN = rf"[{UP}][\w'’\-]+"
PARTICLE = r"(?:van der|van den|van de|van|von|de la|de|del|della|da|di|du|dos|le|la|ter|ten|bin|al|o')"
HONORIFIC = r"(?:Dr|Mr|Mrs|Ms|Prof|Herr|Frau)\.?"
NAME = rf"(?:{HONORIFIC}\s{NAME_TOKEN}(?:\s(?:{PARTICLE}\s)?{NAME_TOKEN})?|{NAME_TOKEN}(?:\s{PARTICLE})?(?:\s{NAME_TOKEN})?)"
NAME_RX = re.compile(NAME)
TITLE_CORE = (r"(?:CFO|CEO|COO|CTO|CIO|CISO|CDO|CRO|CMO|CPO|DPO|VP|SVP|EVP|GM|MD|boss|manager|director|head|lead|officer|"
              r"architect|engineer|controller|counsel|lawyer|attorney|analyst|president|chair|owner|founder|treasurer|"
              r"buyer|partner|administrator|specialist|chief|secretary|supervisor|principal|delegate|steward|"
              r"(?i:geschäftsführer\w*|vorstand\w*|leiter\w*|directeur\w*|directrice|direttore|direttrice|directora?|gerente|"
              r"hoofd|prezes|amministratore delegato|administrateur délégué))")
TITLE_PHRASE = rf"(?:(?:[\w&\-]+\s){{0,4}}?{TITLE_CORE}(?:\s(?:of|for)\s(?:[\w&\-]+\s?){{1,3}})?)"
PRONOUNS = {"i", "me", "myself", "my", "he", "him", "his", "she", "her", "hers", "herself", "himself"}
BLOCKERS = {"we", "us", "you", "they", "them", "it", "nobody", "everyone", "somebody", "someone", "who", "which"}
NOT_NAMES = {
    "I", "I'm", "I'll", "I've", "I'd", "The", "A", "An", "And", "But", "So", "Or", "If", "Our", "My", "Your", "Their", "His",
    "Her", "We", "You", "They", "He", "She", "It", "This", "That", "These", "Those", "There", "Then", "Yes", "No", "Okay",
    "Ok", "Sure", "Good", "Great", "Perfect", "Thanks", "Thank", "Hi", "Hello", "Hey", "Well", "Also", "Just", "Anything",
    "Everything", "Nothing", "All", "Any", "Every", "Even", "Only", "Not", "Monday", "Tuesday", "Wednesday", "Thursday",
    "Friday", "Saturday", "Sunday", "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December", "Easter", "Christmas", "Q1", "Q2", "Q3", "Q4", "Let", "Let's", "Maybe", "Actually",
    "Honestly", "Right", "Yeah", "Yep", "Fine", "Correct", "Exactly", "Under", "Over", "Above", "Below", "After", "Before",
    "When", "Once", "Because", "Until", "Since", "Which", "Who", "What", "Where", "How", "Why", "Please", "Sorry", "Grand",
    "Ciao", "Bye", "Mid", "End", "Both", "Each", "Some", "Most", "Many", "Much", "Other", "Another", "Same", "Next", "Last",
    "First", "Second", "Third", "Group", "Board", "Team", "Legal", "Finance", "Procurement", "Security", "IT", "Engineering",
    "Enterprise", "Business", "Premium", "Standard", "Director", "Head", "VP", "Chief", "Manager", "Officer",
}
# Short forms of first names -> the formal first names they stand for (folded).
COMMON_FIRST_WORDS = {"will", "mark", "bill", "grant", "may", "june", "april", "august", "rose", "faith", "hope", "joy",
                      "sue", "pat", "art", "guy", "don", "ray", "jack", "frank", "dean", "gene", "summer", "autumn"}

# -- title priors (CRM title, or a title said on the call) -----------------------------------------------
SENIOR = re.compile(r"\b(VP|SVP|EVP|vice president|head|director|directeur|directrice|directora?|direttore|direttrice|"
                    r"leiter\w*|hoofd|chief|C[A-Z]O|president|responsable|responsabile|jef[ea]|gerente|direktor\w*|"
                    r"dyrektor\w*)\b", re.I)
FINANCE_CHIEF = re.compile(r"\b(CFO|chief financial|finance director|director,? (?:of )?finance|head of finance|VP,? (?:of )?finance|"
                           r"vice president,? (?:of )?finance|finanzvorstand|kaufmännische\w*|directeur financier|"
                           r"directora? financier[oa]|direttore finanziario|treasurer|finance chief|group controller)\b", re.I)
OWNER = re.compile(r"\b(CEO|chief executive|managing director|managing partner|senior partner|geschäftsführer\w*|owner|"
                   r"founder|co-founder|president|directeur général|director general|amministratore delegato|"
                   r"general manager|commercial director|gerente general|direttore generale|directora? general|"
                   r"prezes|toimitusjohtaja|administrateur délégué|directeur général|directrice générale)\b", re.I)
OTHER = re.compile(r"\b(procurement|purchasing|purchaser|buyer|acheteu\w+|achats|compras|comprador\w*|einkauf\w*|acquisti|"
                   r"sourcing|vendor management|supplier management|inkoop\w*|inköp\w*|indkøb\w*|innkjøp\w*|hankinta\w*|"
                   r"zakup\w*|legal|counsel|lawyer|attorney|paralegal|"
                   r"contracts? manager|juridique|jurist\w*|abogad\w*|avvocat\w*)\b", re.I)
SECURITY = re.compile(r"\b(security|CISO|risk|compliance|privacy|DPO|data protection|audit|sécurité|seguridad|sicherheit|"
                      r"sicurezza|beveiliging)\b", re.I)
INFOSEC = re.compile(r"\b(CISO|information security|cyber\w*|IT security|infosec)\b", re.I)
STAFF_SECURITY = re.compile(r"\b(security|privacy|DPO|data protection)\b", re.I)
TECHNICAL_TITLE = re.compile(r"\b(architect\w*|engineer\w*|developer|CTO|CIO|IT|information technology|information systems|"
                             r"infrastructure|platform|devops|technical|technology|systèmes? d'information|SI|sistemas|"
                             r"sistemi|informatique|informática|informatica|ingénieur|ingeniero|ingegnere|controls)\b", re.I)
FINANCE = re.compile(r"\b(finance|financial|finanz\w*|finances|finanzas|finanza|FP&A|controlling|controller|accounting)\b", re.I)
BUSINESS = re.compile(r"\b(operations|operational|store|stores|shop|webshop|e-?commerce|online|retail|category|merchandis\w+|"
                      r"customer success|support|service desk|content|site|field|branch|plant|"
                      r"production|warehouse|logistics|sales|marketing|customer service|scheduling|planning|practice manager|"
                      r"clinical|nursing|HR|human resources|people|office|front desk|reception|fleet|facilities|"
                      r"ventas|ventes|vendite|vertrieb|opérations|operaciones|operazioni|logistique|logística|logistica|"
                      r"formación|formation|formazione|training|learning|recursos humanos|ressources humaines|"
                      r"administration|admin|dispatch|depot|transport|service)\b", re.I)
LEAD_TITLE = re.compile(r"\b(manager|lead|supervisor|head|owner|superintendent|gerente|responsable|jef[ea])\b", re.I)
ANALYST = re.compile(r"\b(analyst|analytics|business intelligence|BI|data science|data scientist|insights?|reporting)\b", re.I)
NON_SENIOR = re.compile(r"\b(manager|lead|supervisor|coordinator|planner|specialist|officer|administrator|analyst|"
                        r"representative|associate)\b", re.I)


def _prior(title: str | None) -> str | None:
    """The role a CRM title suggests when the call says nothing more specific."""
    if not title:
        return None
    if FINANCE_CHIEF.search(title) or OWNER.search(title):
        return "Economic Buyer"
    if OTHER.search(title):
        return "Other"
    if SECURITY.search(title):
        # the head of (information) security buys technically; their staff evaluate; a senior title that merely
        # includes security among other things ("VP Facilities & Security") is that function's head, and risk or
        # compliance alone says nothing about the purchase
        infosec = TECHNICAL_TITLE.search(title) or INFOSEC.search(title)
        if SENIOR.search(title):
            if infosec:
                return "Technical Buyer"
        elif INFOSEC.search(title) or STAFF_SECURITY.search(title):
            return "Evaluator"
        else:
            return None
    if TECHNICAL_TITLE.search(title):
        return "Technical Buyer"
    if FINANCE.search(title):
        return "Influencer"
    if ANALYST.search(title) and not SENIOR.search(title):
        return "Evaluator"
    if SENIOR.search(title):
        return "Decision Maker"
    if BUSINESS.search(title) and NON_SENIOR.search(title):
        return "Business User"
    return None


def _title_role(title: str | None, domain: str = "") -> str | None:
    """``_prior``, except that a procurement or legal title on a deal for a procurement or legal product is the
    function buying its own tool: its head is a Decision Maker, its staff Business Users (not a gatekeeper)."""
    role = _prior(title)
    if role == "Other" and domain:
        m = OTHER.search(title or "")
        if m and fold(m.group(0))[:6] in domain:
            return "Decision Maker" if SENIOR.search(title) else "Business User"
    return role


# Title nouns said on the call ("our CFO") and the CRM titles they stand for.
TITLE_ALIASES = [
    (re.compile(r"^(?:cfo|chief financial officer|finance director|director of finance|head of finance)$", re.I), FINANCE_CHIEF),
    (re.compile(r"^(?:ceo|chief executive(?: officer)?|managing director|md)$", re.I), re.compile(r"\b(CEO|chief executive|managing director)\b", re.I)),
    (re.compile(r"^(?:coo|chief operating officer)$", re.I), re.compile(r"\b(COO|chief operating)\b", re.I)),
    (re.compile(r"^(?:cio|chief information officer)$", re.I), re.compile(r"\b(CIO|chief information officer)\b", re.I)),
    (re.compile(r"^(?:cto|chief technology officer)$", re.I), re.compile(r"\b(CTO|chief technology)\b", re.I)),
    (re.compile(r"^(?:ciso|chief information security officer|information security officer|security officer)$", re.I),
     re.compile(r"\b(CISO|security officer)\b", re.I)),
    (re.compile(r"^(?:head of procurement|procurement manager|procurement)$", re.I), re.compile(r"\bprocurement\b", re.I)),
    (re.compile(r"^(?:general counsel|counsel|legal counsel)$", re.I), re.compile(r"\bcounsel\b", re.I)),
]

# -- cues ---------------------------------------------------------------------------------------------
WHO = (rf"(?P<who>(?:(?:our|the|my|their|your)\s{TITLE_PHRASE},?\s)?{NAME}|(?:our|the|my|their|your)\s{TITLE_PHRASE}|"
       rf"him|her|me|myself)")
PAIR = (rf"(?:^|(?<=[,;:]\s)|(?<=\b[Aa]nd\s)|(?<=\b[Bb]ut\s)|(?<=\b[Ss]o\s)|(?<=\b[Tt]hat\s))(?P<a>(?i:I|me|he|she)|{NAME})\s+(?i:and)\s+"
        rf"(?P<b>(?i:I|me|he|she)|{NAME})\s+")
MONEY_OBJECT = (r"(?:this|it|that|the (?:contract|deal|order form|agreement|po|purchase order|paperwork|budget|spend|purchase|"
                r"investment|cheque|check|invoice|renewal|offer|proposal)|anything|everything|all (?:contracts|purchases|spend)|"
                r"contracts|deals|purchases|spend|(?:it )?myself|off on (?:anything|everything|the budget|spend|purchases|it|this)|"
                r"off anything|off everything|off (?:the )?budget|off (?:the )?spend)")


@dataclass(frozen=True)
class Cue:
    pattern: re.Pattern
    role: str
    strength: int
    kind: str = "subject"  # "subject": the person is the subject before the match; "who": named in the match
    negatable: bool = True
    allow_we: bool = False


def _c(rx: str, role: str, strength: int = 3, kind: str = "subject", negatable: bool = True, allow_we: bool = False) -> Cue:
    return Cue(re.compile(rx, re.I if kind in {"subject", "possessive"} else 0), role, strength, kind, negatable, allow_we)


CUES = [
    # Economic Buyer
    _c(r"\b(?:own|owns|hold|holds|control|controls|manage|manages|have|has|sit on|sits on)\s+(?:the|this|our|that)\s+"
       r"(?:\w+\s)?budget\b", "Economic Buyer"),
    _c(r"\bbudget\s+(?:holder|owner)\b", "Economic Buyer"),
    # "Seventy-two five is inside what I budgeted": the speaker set the budget
    _c(r"\b(?:inside|within|under|over|outside|above|beyond|in line with)\s+what\s+(?P<who>I)(?:['’]ve| have|['’]d| had)?\s+"
       r"(?:budgeted|set aside|allocated|got approved)\b", "Economic Buyer", kind="who"),
    _c(r"\b(?:be|am|'m|is|'s)\s+the\s+one\s+(?:signing|approving|who(?:'ll| will)?\s+(?:sign|signs|approve|approves))\b",
       "Economic Buyer"),
    _c(r"\b(?:is|'s|am|'m|are|'re)\s+(?:the|our|your)\s+(?:main\s+|final\s+|ultimate\s+)?(?:economic buyer|budget holder|budget "
       r"owner|signatory|approver)\b", "Economic Buyer"),
    _c(r"(?i:\b(?:sign-?off|approval|signature|authori[sz]ation|green light)\s+from)\s+" + WHO, "Economic Buyer", kind="who"),
    _c(r"(?i:\bthe\s+(?:economic buyer|budget holder|budget owner|signatory|approver)\s+(?:is|will be|would be))\s+" + WHO,
       "Economic Buyer", kind="who"),
    _c(rf"\b(?:sign|signs|signed|signing|approve|approves|approved|sign off|signs off|signed off|authori[sz]e|authori[sz]es)\s+"
       rf"{MONEY_OBJECT}", "Economic Buyer"),
    _c(r"\b(?:signs|signs off|signed off)\b(?=\s*(?:[,.;!?]|$)|\s+(?:as|together|for us|internally|on (?:our|their) side)\b)",
       "Economic Buyer"),
    _c(r"(?i:\b(?:it's|it is|it'll be|it will be|that's|that is)\s+(?:still\s+|always\s+)?)" + WHO +
       r"(?i:\s+who\s+(?:signs|approves|signs off|holds the budget))", "Economic Buyer", kind="who"),
    _c(r"(?i:\b(?:don't|do not|doesn't|does not|can't|cannot)\s+(?:sign|approve)\b[^.]{0,40}?,\s*)" + WHO + r"(?i:\s+(?:does|can|will|do))\b",
       "Economic Buyer", kind="who", negatable=False),
    _c(r"\b(?:have|has|hold|holds)\s+(?:the\s+)?(?:final\s+)?(?:signature|sign-?off|budget approval|signing authority|"
       r"spending authority|purse strings)\b", "Economic Buyer"),
    _c(r"\b(?:the )?one who(?:'ll| will)?\s+(?:ask|asks|care|cares|worry|worries|decide|decides)\s+about\s+(?:the\s+)?"
       r"(?:money|cost|costs|price|pricing|budget|numbers|spend)\b", "Economic Buyer"),
    _c(r"\b(?:it's|it is|this is|that's|that is|comes? out of|from)\s+(?P<who>my|his|her)\s+(?:\w+\s)?budget\b", "Economic Buyer",
       kind="possessive"),
    _c(r"(?i:\b(?:budget|spend|spending|financial|final|the)?\s*(?:sign-?off|signature|approval|budget)\s+(?:is|lies|sits|rests|stays|"
       r"will be|would be)\s+(?:with|from))\s+" + WHO, "Economic Buyer", kind="who"),
    _c(r"(?i:\b(?:goes|go|went|will go|would go|has to go|have to go|needs to go|need to go)\s+to)\s+" + WHO +
       r"(?=\s*(?:personally|directly|now|himself|herself|themselves)?[\s,.;]*(?:$|for\b|,|\.|no exceptions|first|not\b))",
       "Economic Buyer", kind="who_threshold"),
    _c(r"(?i:\b(?:need|needs|get|getting|have to get|has to get|waiting for)\s+)" + WHO +
       r"(?i:\s+to\s+(?:approve|sign(?: off)?|sign-off|authori[sz]e)\s+(?:the\s+)?(?:budget|spend|purchase|deal|contract|it|this|that|order))",
       "Economic Buyer", kind="who"),
    _c(WHO + r"(?:'s|’s)(?i:\s+(?:approval|sign-?off|signature|budget))\b", "Economic Buyer", kind="who"),
    # Executive Sponsor
    _c(r"\b(?:the|an|our|your)\s+(?:executive\s+)?sponsor\b", "Executive Sponsor"),
    _c(r"\bsponsor(?:ing|s)?\s+(?:this|it|the\s+(?:project|initiative|programme|program|deal|business case))\b",
       "Executive Sponsor"),
    _c(r"(?i:\b(?:the|our|an|my)\s+(?:executive\s+)?sponsor\s+(?:(?:for|of|on)\s+(?:this|it|the\s+\w+)\s+)?(?:is|will be|would be))\s+"
       + WHO, "Executive Sponsor", kind="who"),
    # Decision Maker
    _c(r"\b(?:make|makes|making|made|take|takes|took)\s+the\s+(?:final\s+)?(?:decision|call)\b", "Decision Maker"),
    _c(r"\b(?:have|has)\s+(?:the\s+)?(?:final|last)\s+(?:say|word|call|decision)\b", "Decision Maker"),
    _c(r"\b(?:is|'s|am|'m|are|'re)\s+(?:the|our|your)\s+(?:main\s+|final\s+|ultimate\s+)?decision[- ]?maker\b", "Decision Maker"),
    _c(r"(?i:\bthe\s+(?:final\s+)?decision[- ]?maker\s+(?:is|will be|would be))\s+" + WHO, "Decision Maker", kind="who"),
    _c(WHO + r"(?:'s|’s)(?i:\s+(?:call|decision|final say))\b", "Decision Maker", kind="who"),
    _c(r"\b(?:decides|decide on|decides on)\b", "Decision Maker"),
    _c(r"(?<=\bI )(?:(?:\w+ly|both|jointly|together|always|usually|will|would|can)\s+)?decide\b", "Decision Maker"),
    _c(r"(?<=\bI'll )decide\b|(?<=\bI’ll )decide\b", "Decision Maker"),
    _c(PAIR + r"(?i:(?:will|'ll|would|can|must|have to|need to|both|jointly|together|always|usually|\w+ly)\s+)*"
       r"(?i:decide|make the (?:final\s+)?(?:decision|call))\b", "Decision Maker", kind="pair"),
    _c(PAIR + r"(?i:(?:will|'ll|would|can|must|have to|need to|both|jointly|together|always|usually|\w+ly)\s+)*"
       r"(?i:sign(?: off)?|approve|hold the budget|own the budget)\b", "Economic Buyer", kind="pair"),
    _c(r"\b(?:own|owns)\s+the\s+(?:\w+\s)?(?:selection|decision)\b", "Decision Maker"),
    _c(r"\b(?:that|it|this)(?:'s| is)\s+(?P<who>my|his|her)\s+(?:decision|call)\b", "Decision Maker", kind="possessive"),
    _c(r"\bis\s+(?P<who>my|his|her)\s+(?:decision|call)\b", "Decision Maker", kind="possessive"),
    _c(r"(?i:\b(?:final\s+)?(?:decision|say|call)\s+(?:\w+\s)?(?:is|lies|sits|rests)\s+(?:now\s+)?with)\s+" + WHO,
       "Decision Maker", kind="who"),
    _c(r"\b(?:choice|selection|decision|call)\b[^,.]{0,30}\bis\s+(?P<who>mine|his|hers)\b", "Decision Maker", kind="possessive"),
    _c(r"(?i:\b(?:don't|do not|doesn't|does not|won't)\s+(?:make the (?:final\s+)?(?:decision|call)|decide)\b[^.]{0,40}?,\s*)" + WHO +
       r"(?i:\s+(?:does|will|do))\b", "Decision Maker", kind="who", negatable=False),
    _c(r"\b(?:have|'ve)\s+decided\b|\bwe\s+decided\b|\b(?:have|'ve)\s+chosen\b", "Decision Maker", strength=2, allow_we=True),
    # Technical Buyer
    _c(r"\b(?:sign off|signs off|approve|approves|own|owns|review|reviews|reviewed|validate|validates|validated)\s+(?:on\s+)?"
       r"(?:the\s+)?(?:architecture|technical|integration|design|infrastructure|network|platform|data model)\b", "Technical Buyer"),
    _c(r"(?i:\bnothing goes\s+(?:on|into|onto|in|to)\b[^.]*\bwithout)\s+" + WHO, "Technical Buyer", kind="who"),
    _c(r"\btechnical\s+(?:evaluation|review|validation|assessment|sign-?off)\b", "Technical Buyer", strength=2),
    _c(r"(?i:\b(?:the|our)\s+(?:main\s+)?(?:technical|IT|tech)\s+(?:lead|contact|owner|point of contact|decision[- ]?maker)"
       r"(?:\s+(?:on|for)\s+(?:this|our side|it))?\s+(?:is|will be|would be))\s+" + WHO, "Technical Buyer", kind="who"),
    _c(r"\b(?:is|'s|am|'m)\s+(?:the|our|your)\s+(?:main\s+|lead\s+)?(?:technical|IT|tech)\s+(?:contact|lead|owner|point of contact|"
       r"decision[- ]?maker|buyer)\b", "Technical Buyer"),
    _c(WHO + r"(?:'s|’s)(?i:\s+team\s+(?:has\s+|have\s+)?(?:reviewed|validated|approved|signed off)\s+the\s+(?:architecture|design|integration))",
       "Technical Buyer", kind="who"),
    # Evaluator
    _c(r"\b(?:do|does|run|runs|lead|leads|own|owns|handle|handles|did|ran|led|conduct|conducts)\s+the\s+(?:\w+\s)?"
       r"(?:risk|security|vendor|third-party|supplier)\s+(?:review|reviews|assessment|assessments)\b", "Evaluator"),
    _c(r"\bI\s+(?:write|give|make)\s+(?:an?|the|my)\s+(?:advice|recommendation|assessment)\b", "Evaluator"),
    _c(r"\b(?:ran|run|runs|running|led|lead|leads|leading|did|do|does|own|owns|owned|handle|handles|handled|conduct|"
       r"conducted|conducts|coordinate|coordinated|coordinates)\s+(?:the|our|this)\s+(?:\w+\s)?(?:evaluation|pilot|poc|"
       r"proof of concept|assessment|trial|comparison|selection process|dpia|tender)\b", "Evaluator"),
    _c(r"\b(?:will|'ll|is going to|is to)\s+(?:lead|run|do|own|handle|coordinate)\s+(?:it|the (?:\w+\s)?(?:assessment|review|"
       r"evaluation|dpia|pilot|poc|trial|questionnaire))\b", "Evaluator"),
    _c(r"(?i:\b(?:want|wants|need|needs|asked|ask|get|have|having)\s+)" + WHO + r"(?i:\s+to\s+(?:look at|look over|review|test|"
       r"assess|evaluate|check|validate|vet|go through))\b", "Evaluator", kind="who"),
    _c(r"\b(?:information[- ]gathering|(?:understand|compare|comparing|understanding|evaluate|evaluating|assess|assessing|"
       r"looking at)\s+(?:the\s+|all\s+the\s+|different\s+|our\s+)?(?:options|landscape|vendors|alternatives|market)|"
       r"(?:talking to|speaking to|speaking with|talking with|looking at)\s+(?:two|three|four|five|several|a few|other|multiple)"
       r"(?:\s+or\s+\w+)?\s+(?:other\s+)?(?:vendors|providers|suppliers|tools))\b", "Evaluator", allow_we=True),
    _c(r"\bsuccess criteria\b", "Evaluator", strength=2),
    _c(r"\b(?:will|'ll|is going to|are going to|to|would)\s+(?:test|evaluate|trial|pilot|assess|try out)\s+(?:it|the (?:tool|"
       r"product|platform|solution|software|system|sandbox|integration|connectors?|prototype|pilot|appliance|agent))\b", "Evaluator", strength=2),
    _c(r"(?i:\b(?:pilot|evaluation|poc|proof of concept|trial|test)\b[^.]{0,40}\bwith)\s+" + WHO + r"(?:'s|’s)\s+team",
       "Evaluator", strength=2, kind="who"),
    _c(WHO + r"(?:(?:'s|’s)|\s+and\s+(?:his|her|their))(?i:\s+team\b[^.]{0,60}\b(?:pilot|evaluation|poc|proof of concept|trial|"
       r"tested|testing|evaluated|evaluating))", "Evaluator", strength=2, kind="who"),
    # Business User
    _c(r"\b(?:the one|the person|one of the people)\s+who(?:'ll| will)?\s+(?:has to |have to |must |will )?(?:get\b[^.]{0,40}\b"
       r"using|use|be using|work in|live in)\b", "Business User", strength=2),
    _c(r"\b(?:use|using|uses|be using|work in|live in)\s+it\s+(?:every day|daily|day[- ]to[- ]day|all day)\b", "Business User",
       strength=2),
    _c(r"\b(?:the|a|our)\s+(?:main|primary|day-to-day|daily|key|power)\s+users?\b|\bruns?\s+the\s+\w+\s+day[- ]to[- ]day\b",
       "Business User", strength=2),
    # Influencer (saying "I don't sign" also vetoes an Economic Buyer / Decision Maker title prior)
    _c(r"\b(?:don't|do not|can't|cannot|won't)\s+(?:sign|decide|approve|make the (?:final\s+)?(?:decision|call))\b", "Influencer",
       strength=1, negatable=False),
    _c(r"\b(?:can|could|will|'ll)\s+(?:argue|advocate|push|recommend|champion|make the case|put in a good word)\b", "Influencer",
       strength=2),
    _c(r"\b(?:your|a|the)\s+champion\b|\bin your corner\b", "Influencer", strength=2),
    # "The crews listen to him more than to me": others follow that person's word
    _c(r"\b(?:listen|listens|listened)\s+to\s+(?P<who>him|her)\s+more\s+than\b", "Influencer", kind="who", negatable=False),
]
# Every cue for a role needs one of its words (lower-case substrings); a sentence without any is skipped
# before the cue patterns run (a one-hour call has ~1,000 sentences and there are ~50 cues).
ROLE_HINTS = {
    "Economic Buyer": ("budget", "sign", "approv", "authori", "purse", "money", "cost", "pric", "numbers", "spend", "go to",
                       "goes to", "went to", "go past", "cheque", "holder", "owner", "signatory", "economic buyer",
                       "green light", "the one"),
    "Executive Sponsor": ("sponsor",),
    "Decision Maker": ("decid", "decision", "call", "say", "word", "choice", "selection", "maker", "chosen"),
    "Technical Buyer": ("architect", "technical", "integration", "design", "infrastructure", "network", "platform",
                        "data model", "nothing goes", "it ", "it,", "tech", "validat", "review"),
    "Evaluator": ("review", "assess", "evaluat", "pilot", "poc", "proof of concept", "trial", "test", "dpia", "tender",
                  "comparison", "advice", "recommendation", "criteria", "options", "landscape", "vendors", "alternatives",
                  "market", "providers", "suppliers", "tools", "information", "check", "look", "vet", "go through",
                  "questionnaire"),
    "Business User": ("user", "day", "daily", "the one", "the person", "one of the people"),
    "Influencer": ("n't", "not", "cannot", "argue", "advocate", "push", "recommend", "champion", "listen", "listens", "listened", "corner", "make the case",
                   "good word"),
}
# Every literal one of a cue's matches must contain (read from the pattern), so that on a long call a cue runs
# only on the sentences that have both one of its role's words and one of these.
CUE_LITERALS = [required_literals(cue.pattern) for cue in CUES]


def _cue_runs(index: SentenceIndex) -> dict[int, list[Cue]]:
    """Sentence number -> the cues to run on it, in ``CUES`` order: the role's words are in the sentence
    (``ROLE_HINTS``, as before) and so is one of the literals the cue's pattern needs (a necessary condition)."""
    hinted = {role: frozenset().union(*(index.having(w) for w in words)) for role, words in ROLE_HINTS.items()}
    runs: dict[int, list[Cue]] = {}
    for cue, literals in zip(CUES, CUE_LITERALS):
        rows = hinted[cue.role]
        need = index.any_of(literals)
        for k in sorted(rows if need is None else rows & need):
            runs.setdefault(k, []).append(cue)
    return runs


INTRO = re.compile(r"\b(?:I've got|I have got|I have|I've brought|I brought|joined by|I'm here with|is (?:here |also )?with me|"
                   r"joining me|with me (?:today |here |on the call )?(?:is|are)|let me introduce|(?:I'd|I would) like to introduce|"
                   r"this is my|"
                   r"are (?:here |also )?with me|is joining|will join|has joined|just joined)\b", re.I)
NEGATION = re.compile(r"\b(?:not|never|no longer|no one|nobody|cannot)\b|n't\b", re.I)
CLAUSE_SPLIT = re.compile(r"[,;:—–]|\b(?:but|because|although|though|while|whereas|so that)\b", re.I)
THRESHOLD = re.compile(r"\b(?:anything|everything|all|over|above|more than|beyond|any)\b", re.I)
APPOSITIVE = re.compile(rf"(?<!\bour )(?<!\bthe )(?<!\bmy )(?<!\byour )(?<!\btheir )(?P<name>{NAME}),\s+(?:(?:he|she)(?:'s| is)\s+)?(?:our|the|my|their|your)\s+(?P<title>{TITLE_PHRASE})(?=[,.;]|\s+(?:and|who|signs|is|has|will|makes|owns|holds|decides|approves))")
TITLE_THEN_NAME = re.compile(rf"\b(?i:our|the|my|their|your)\s+(?P<title>{TITLE_PHRASE}),?\s+(?P<name>{NAME})\b")
NEW_TITLE = re.compile(rf"\b(?i:a|an|our|the)\s+(?i:new\s+|interim\s+|acting\s+)?(?P<title>{TITLE_PHRASE})\b[^,.;]{{0,40}},\s+"
                       rf"(?P<name>{NAME})(?=\s*[,.;]|\s+(?:and|who)\b|$)")
TITLE_ONLY = re.compile(rf"\b(?i:our|my|their)\s+(?P<title>{TITLE_PHRASE})\b")
THATS_NAME = re.compile(rf"^\W*(?i:that's|that is|this is|it's|it is|that'd be|that would be)\s+(?P<name>{NAME})\b")
FROM_DEPT = re.compile(rf"(?P<name>{NAME}),?\s+from\s+(?:the\s+|our\s+)?(?P<title>[A-Za-z&][\w&\- ]{{1,30}}?)"
                       rf"(?=\s+(?:with|joined|joining|is|here|as well|too|and|who|team)\b|\s*[,.;]|$)")
CO_SUBJECT = re.compile(rf"(?:^|[,;]\s*|\b(?i:and|but|so|because)\s+)(?P<a>(?i:he|she|I)|{NAME})\s+(?i:and)\s+"
                        rf"(?P<b>(?i:he|she|I)|{NAME})\s+(?:(?i:\w+ly|both|jointly|together|always|usually|will|'ll|would|"
                        rf"must|have to|need to|can)\s+)*$")
SELF_TITLE = re.compile(rf"\bI(?:'m| am)\s+(?:the|our|a|an)\s+(?P<title>{TITLE_PHRASE})\b", re.I)
SELF_DEPT = re.compile(r"\bI\s+(?:run|head(?: up)?|look after|manage|lead|own|(?:am|'m) responsible for|(?:am|'m) in charge of)\s+"
                       r"(?:the\s+|our\s+)?(?P<title>IT|infrastructure|(?:information |cyber ?)?security|data engineering|"
                       r"(?:the )?data platform|networks?|systems)\b(?!\s+(?:budget|spend))", re.I)
VENDORISH_TITLE = re.compile(r"\b(?:solutions?|sales|account|customer success|implementation|onboarding|pre-?sales|partner|"
                             r"consult\w*|support)\b", re.I)
OUR_VOICE = re.compile(r"\b(?:our|we)\s+(?:connectors?|platform|product|agent|trust portal|support team|roadmap|"
                       r"region|customers|library|SOC ?2|onboarding|pricing|engineers?|appliances?|sensors?|analysts?)\b", re.I)
OUR_APPOSITIVE = re.compile(rf"(?P<name>{NAME}),\s+(?:my|our)\s+(?:[\w-]+\s+){{0,3}}?{TITLE_CORE}\b")
COLLEAGUE = re.compile(r"\b(?:my|our)\s+(?:colleague|co-?worker|teammate|SE|solutions?\s+(?:engineer|architect|consultant)|"
                       r"sales\s+engineer|solution\s+engineer|pre-?sales|product\s+(?:manager|team|management)|deal\s+desk|"
                       r"customer\s+success|CSM|implementation\s+(?:lead|manager|team)|onboarding\s+team|legal\s+team|VP|boss|"
                       r"manager|engineering\s+team|security\s+team|support\s+team)\b|"
                       r"\b(?:from|in|on|at)\s+our\s+(?:\w+\s+){0,2}(?:team|side|end|office)\b|"
                       r"\b(?:leads?|runs?|heads?|handles?|manages?|does)\s+(?:\w+\s+){0,2}for us\b", re.I)


TITLE_PATTERNS = {"APPOSITIVE": APPOSITIVE, "TITLE_THEN_NAME": TITLE_THEN_NAME, "NEW_TITLE": NEW_TITLE, "THATS_NAME": THATS_NAME,
                  "FROM_DEPT": FROM_DEPT, "SELF_TITLE": SELF_TITLE, "SELF_DEPT": SELF_DEPT}
TITLE_LITERALS = {name: required_literals(rx) for name, rx in TITLE_PATTERNS.items()}


SENTENCE = re.compile(r"(?:\b(?:Dr|Mr|Mrs|Ms|Prof|St|Mt|No|vs|approx|incl|e\.g|i\.e)\.|\d\.\d|[^.!?])+[.!?]*")
SENTENCE_SPECIAL = re.compile(r"(?:Dr|Mr|Mrs|Ms|Prof|St|Mt|No|vs|approx|incl|e\.g|i\.e)\.|\d\.\d")
SENTENCE_PLAIN = re.compile(r"[^.!?]+[.!?]*")


def call_units(ctx: CallContext) -> list[Unit]:
    """The call's sentences, like ``ctx.units`` but not cut after "Dr." or inside "1.5" (cached on the context)."""
    def compute() -> list[Unit]:
        units = []
        for i, turn in enumerate(ctx.transcript.turns):
            injected = INJECTION.search(turn.text) is not None  # a sentence can only match where its turn does
            # without an abbreviation or a decimal in the turn, SENTENCE cuts exactly where the plain pattern does
            splitter = SENTENCE if SENTENCE_SPECIAL.search(turn.text) else SENTENCE_PLAIN
            for m in splitter.finditer(turn.text):
                sentence = m.group(0).strip()
                if sentence and not (injected and INJECTION.search(sentence)):
                    units.append(Unit(turn, sentence, i))
        return units

    return ctx.memo("roles.call_units", compute)


def clean_units(ctx: CallContext) -> list[Unit]:
    """``call_units`` without the sentences that carry contact details (cached on the context)."""
    return ctx.memo("roles.clean_units", lambda: [u for u in call_units(ctx) if not has_contact_details(u.sentence)])


def directory(ctx: CallContext) -> "Directory":
    """The call's people and sides, built once per context."""
    return ctx.memo("roles.directory", lambda: Directory(ctx))


def clean_name(word: str) -> str | None:
    """"And Samantha" -> "Samantha": drop leading sentence words a name pattern picked up."""
    parts = word.split()
    while parts and (parts[0] in NOT_NAMES or re.split(r"['’]", parts[0])[0] in NOT_NAMES):  # "It's Maria" -> "Maria"
        parts = parts[1:]
    return " ".join(parts) or None


@dataclass
class Person:
    name: str
    contact: Contact | None = None
    title: str | None = None
    speaker: bool = False
    mentions: list[Unit] = field(default_factory=list)


@dataclass
class Candidate:
    role: str
    strength: int
    unit: Unit
    hedged: bool


class Directory:
    """Everyone on or named on the call, which side they are on, and how a name said on the call resolves."""

    def __init__(self, ctx: CallContext):
        self.ctx = ctx
        self.units = call_units(ctx)
        self.index = SentenceIndex([u.sentence for u in self.units])
        snap = ctx.snapshot
        self.rep = snap.call.rep.name
        self.vendor_domain = (snap.call.rep.email or "").partition("@")[2].lower()
        self.vendor_word = self.vendor_domain.split(".")[0] if self.vendor_domain else ""
        self.people: dict[str, Person] = {}
        self.alias: dict[str, str] = {}  # folded name / first name / honorific+surname -> full name
        self.vendor: set[str] = {fold(self.rep)}
        for c in snap.Contacts:
            self._add(c.Name, contact=c, title=c.Title)
            if self.vendor_domain and (c.Email or "").lower().endswith("@" + self.vendor_domain):
                self.vendor.add(fold(c.Name))
        self._add(self.rep)
        raw = [s for s in ctx.transcript.speakers if s.lower() not in {"notes", "unknown", "speaker"}]
        for s in raw:
            if not self._speaker_lookup(s):
                self._add(self._strip(s))
        self._learn_names()
        self.speaker_names = {s: self._speaker_lookup(s) or self._strip(s) for s in raw}
        for full in self.speaker_names.values():
            self._add(full).speaker = True
        for s in raw:
            self._label_side(s)
        self._learn_vendor_side()

    @staticmethod
    def _strip(name: str) -> str:
        """"Dr. Martina Hofer" -> "Martina Hofer"; "Ravi Menon (Corvane)" -> "Ravi Menon";
        "ravi.menon@corvane.io" -> "Ravi Menon"."""
        name = name.strip()
        if re.fullmatch(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+", name):
            name = " ".join(p.capitalize() for p in re.split(r"[._]+", name.partition("@")[0]) if p)
        name = re.sub(r"\s*[(\[][^)\]]*[)\]]\s*$", "", name)
        return re.sub(rf"^{HONORIFIC}\s+", "", name).strip()

    def _label_side(self, raw: str) -> None:
        """A display name or address that carries the vendor's name or domain is the vendor side."""
        label = raw.lower()
        tag = re.search(r"[(\[]([^)\]]*)[)\]]\s*$", label)
        domain = label.partition("@")[2] if "@" in label else ""
        if (self.vendor_domain and domain == self.vendor_domain or
                self.vendor_word and tag and re.search(rf"\b{re.escape(self.vendor_word)}\b", tag.group(1))):
            self.vendor.add(fold(self.speaker_names.get(raw, self._strip(raw))))

    def _speaker_lookup(self, raw: str) -> str | None:
        for form in (raw, self._strip(raw)):
            if fold(form) in self.alias:
                return self.alias[fold(form)]
        parts = self._strip(raw).replace(",", " ").split()
        if len(parts) >= 3 and fold(f"{parts[0]} {parts[-1]}") in self.alias:  # "Dana M. Whitfield"
            return self.alias[fold(f"{parts[0]} {parts[-1]}")]
        if len(parts) == 2 and re.fullmatch(r"[A-ZÀ-Ý]\.?", parts[1]):  # "Dana W." is the one contact Dana W...
            hits = {c.Name for c in self.ctx.snapshot.Contacts
                    if len(c.Name.split()) >= 2 and fold(c.Name.split()[0]) == fold(parts[0])
                    and fold(c.Name.split()[-1])[:1] == fold(parts[1])[:1]}
            if len(hits) == 1:
                return hits.pop()
        person = self.ctx.person(self._strip(raw))
        if person and " " in person and " " not in self._strip(raw):
            return person  # "Mori" on the call is the one contact surnamed Mori
        return nickname_for(self._strip(raw), [c.Name for c in self.ctx.snapshot.Contacts])  # "Tom", "Liz Ward"

    def spoke(self, unit: Unit) -> str:
        """The full name of who said a sentence ("Lotte" -> "Lotte Claes", "Dr. Martina Hofer" -> "Martina Hofer")."""
        return self.speaker_names.get(unit.turn.speaker, unit.turn.speaker)

    # -- names
    def _add(self, name: str, contact: Contact | None = None, title: str | None = None) -> Person:
        key = fold(name)
        person = self.people.get(key)
        if person is None:
            person = self.people[key] = Person(name=name, contact=contact, title=title)
        elif contact is not None and person.contact is None:
            person.contact, person.title = contact, title or person.title
        self.alias.setdefault(key, person.name)
        parts = [p for p in name.replace(".", "").split() if p]
        if len(parts) >= 2:
            self.alias.setdefault(fold(parts[0]), person.name)
            self.alias.setdefault(fold(parts[-1]) + "#surname", person.name)
        if len(parts) >= 3 and contact is not None:  # family name first: "Lim Wei Jie" is addressed as "Wei Jie"
            self.alias.setdefault(fold(" ".join(parts[1:])), person.name)
        return person

    def _learn_names(self) -> None:
        """Full names said on the call ("our CFO, Paola Marino") so that a later "Paola" resolves to her."""
        pair = re.compile(rf"\b(?P<first>{NAME_TOKEN})\s(?:{PARTICLE}\s)?(?P<last>{NAME_TOKEN})\b")
        for u in self.units:
            person_context = None  # read only when a pair of names needs it
            for m in pair.finditer(u.sentence):
                first, last, full = m.group("first"), m.group("last"), m.group(0)
                if first in NOT_NAMES or last in NOT_NAMES or first.isupper() or last.isupper():
                    continue
                bare = fold(first) in self.alias and len(self.alias[fold(first)].split()) == 1
                if fold(full) in self.alias or fold(first) in self.alias and not bare:
                    continue  # a known person, or a known first name followed by some other word
                if bare:
                    self.alias[fold(first)] = full
                if person_context is None:
                    person_context = bool(APPOSITIVE.search(u.sentence) or TITLE_THEN_NAME.search(u.sentence))
                if not person_context and not re.search(rf"\b{re.escape(first)}\b(?!\s(?:{PARTICLE}\s)?{re.escape(last)})",
                                                        self._all_text):
                    continue
                self.alias.setdefault(fold(full), full)
                self.alias.setdefault(fold(first), full)
                self.alias.setdefault(fold(last) + "#surname", full)

    @property
    def _all_text(self) -> str:
        if not hasattr(self, "_text_cache"):
            self._text_cache = "\n".join(t.text for t in self.ctx.transcript.turns)
        return self._text_cache

    def resolve(self, said: str) -> str | None:
        said = said.strip().strip(",.;:'’")
        said = re.sub(r"(?:'s|’s)$", "", said)
        if not said:
            return None
        key = fold(said)
        if key in self.alias:
            return self.alias[key]
        honor = re.match(rf"^{HONORIFIC}\s+(?P<surname>.+)$", said)
        if honor:  # "Dr. Amira Haddad" is Amira Haddad; "Dr. Kern" is the Kern on the call
            rest = honor.group("surname")
            return self.alias.get(fold(rest)) if len(rest.split()) > 1 and fold(rest) in self.alias else \
                self.alias.get(fold(rest.split()[-1]) + "#surname", rest if len(rest.split()) > 1 else said)
        if fold(said.split()[0]) in COMMON_FIRST_WORDS | {"rich", "dick", "chuck", "joe", "ted"}:
            return None  # "Will do", "Bill me": a word before a name
        return nickname_for(said, [c.Name for c in self.ctx.snapshot.Contacts])  # only when the name itself is nobody's

    def person(self, full: str) -> Person:
        key = fold(full)
        if key not in self.people:
            self.people[key] = Person(name=full)
        return self.people[key]

    def contact_for_title(self, title: str) -> str | None:
        title = " ".join(title.split())
        for alias, crm_title in TITLE_ALIASES:
            if alias.match(title):
                hits = [c.Name for c in self.ctx.snapshot.Contacts if c.Title and crm_title.search(c.Title)]
                return hits[0] if len(hits) == 1 else None
        hits = [c.Name for c in self.ctx.snapshot.Contacts if c.Title and fold(c.Title) == fold(title)]
        return hits[0] if len(hits) == 1 else None

    # -- sides
    def _names_in(self, text: str) -> list[str]:
        out = []
        for m in NAME_RX.finditer(text):
            word = clean_name(m.group(0))
            full = self.resolve(word) if word else None
            if full:
                out.append(full)
        return out

    def _learn_vendor_side(self) -> None:
        speakers = {fold(x) for x in self.speaker_names.values()}
        at_vendor = re.compile(rf"\b(?:at|from|with|of|for)\s+{re.escape(self.vendor_word)}\b") if self.vendor_word else None
        for u in self.units:
            s = u.sentence
            spoke = self.spoke(u)
            by_vendor = fold(spoke) in self.vendor
            if by_vendor:
                intro = INTRO.search(s)
                for m in OUR_APPOSITIVE.finditer(s):  # the rep's "Hugo, our solutions engineer", "Faisal, our legal counsel"
                    word = clean_name(m.group("name"))
                    full = self.resolve(word) if word else None
                    if word and not self._is_contact(full or word):
                        self.vendor.add(fold(full or word))
                for m in COLLEAGUE.finditer(s):  # "my colleague Ravi Menon", "Jeff Park from our deal desk"
                    window = s[max(0, m.start() - 45):m.end() + 45]
                    for full in self._names_in(window):
                        if not self._is_contact(full) and fold(full) != fold(spoke):
                            self.vendor.add(fold(full))
                if intro:
                    for full in self._names_in(s):
                        if not self._is_contact(full) and fold(full) in speakers and fold(full) != fold(spoke):
                            self.vendor.add(fold(full))
            if at_vendor is not None and (self.vendor_word in s.lower() or not s.isascii()) and at_vendor.search(fold(s)):
                speaker_key = fold(spoke)
                if not self._is_contact(spoke) and re.search(r"\b(?:I'm|I am|I work|here|this is)\b|^\W*(?:\w+\s){1,3}\w+,", s, re.I):
                    self.vendor.add(speaker_key)

    def spoken_by(self, key: str, units: list[Unit]) -> list[Unit]:
        """The sentences of ``units`` said by the person with folded name ``key``, grouped once per unit list."""
        cache = self.__dict__.setdefault("_spoken", {})
        groups = cache.get(id(units))
        if groups is None or groups[0] is not units:
            by: dict[str, list[Unit]] = {}
            for u in units:
                by.setdefault(fold(self.spoke(u)), []).append(u)
            groups = cache[id(units)] = (units, by)
        return groups[1].get(key, [])

    def sounds_vendor(self, name: str) -> bool:
        """A speaker who talks about "our product/platform/connectors/pricing" as theirs, twice or more, speaks for
        the vendor (a colleague the rep did not introduce)."""
        cache = self.__dict__.setdefault("_vendor_voice", {})
        if name not in cache:
            text = " ".join(t.text for t in self.ctx.transcript.turns if self.speaker_names.get(t.speaker, t.speaker) == name)
            cache[name] = len(OUR_VOICE.findall(text)) >= 2
        return cache[name]

    def _is_contact(self, name: str) -> bool:
        return any(fold(c.Name) == fold(name) for c in self.ctx.snapshot.Contacts)

    def is_vendor(self, name: str) -> bool:
        return fold(name) in self.vendor

    def contact(self, name: str) -> Contact | None:
        for c in self.ctx.snapshot.Contacts:
            if fold(c.Name) == fold(name):
                return c
        return None


def vendor_side(ctx: CallContext) -> set[str]:
    """Folded names of the rep and the rep's colleagues heard or named on the call."""
    return set(directory(ctx).vendor)


class _Reader:
    def __init__(self, ctx: CallContext):
        self.ctx = ctx
        self.dir = directory(ctx)
        for person in self.dir.people.values():
            person.mentions = []  # a second read of the same call starts afresh
        self.candidates: dict[str, list[Candidate]] = {}
        self.recent: list[tuple[int, str]] = []  # (turn index, full name) of third persons named
        self.said_titles: dict[str, str] = {}
        self.title_source: dict[str, str] = {}
        self.vetoed: set[str] = set()  # said "I don't sign / decide"
        self.title_people: dict[str, str] = {}  # folded title said on the call -> full name
        self._title_rows: dict[str, frozenset[int] | None] = {}  # title pattern -> sentences it may match

    def add(self, full: str | None, role: str, strength: int, unit: Unit) -> None:
        if not full or self.dir.is_vendor(full) or has_contact_details(unit.sentence):
            return
        person = self.dir.people.get(fold(full))
        if person and person.speaker and person.contact is None and self.dir.sounds_vendor(person.name):
            return  # an unintroduced vendor colleague: "our platform", "our onboarding team"
        hedged = bool(HEDGE.search(unit.sentence)) and not re.search(r"\b(?:anything|everything|all)\b", unit.sentence, re.I)
        self.candidates.setdefault(fold(full), []).append(Candidate(role, strength, unit, hedged))
        self.dir.person(full)

    def speaker(self, unit: Unit) -> str | None:
        s = self.dir.spoke(unit)
        return None if s.lower() in {"notes", "unknown", "speaker"} else s

    def third_person(self, unit: Unit) -> str | None:
        speaker = fold(self.dir.spoke(unit))
        for turn_index, full in reversed(self.recent):
            if unit.turn_index - turn_index > 3:
                break
            if fold(full) != speaker and not self.dir.is_vendor(full):
                return full
        return None

    def who(self, said: str, unit: Unit) -> str | None:
        said = said.strip()
        low = said.lower()
        if low in {"i", "me", "myself", "my", "mine"}:
            return self.speaker(unit)
        if low in {"he", "him", "his", "she", "her", "hers"}:
            return self.third_person(unit)
        m = re.match(rf"^(?:our|the|my|their|your)\s+(?P<title>{TITLE_PHRASE}),?\s+(?P<name>{NAME})$", said, re.I)
        if m:
            full = self.dir.resolve(m.group("name")) or self._new_name(m.group("name"))
            if full:
                self.said_titles.setdefault(fold(full), m.group("title"))
            return full
        m = re.match(rf"^(?P<det>our|the|my|their|your)\s+(?P<title>{TITLE_PHRASE})$", said, re.I)
        if m:
            vendor_speaking = self.dir.is_vendor(self.dir.spoke(unit))
            det = m.group("det").lower()
            if vendor_speaking and det in {"our", "my"} or not vendor_speaking and det == "your":
                return None  # the other side's CFO
            title = m.group("title")
            return self.title_people.get(fold(title)) or self.dir.contact_for_title(title)
        cleaned = clean_name(said)
        return self.dir.resolve(said) or (self.dir.resolve(cleaned) if cleaned and cleaned != said else None)

    def _new_name(self, said: str, single: bool = False) -> str | None:
        """Someone not in CRM named on the call; a lone first name only next to a title ("Renée, our CFO")."""
        parts = said.replace(".", "").split()
        if said.split()[0] in NOT_NAMES or any(p in NOT_NAMES or len(p) > 1 and p.isupper() for p in parts[1:] or parts):
            return None
        if re.match(rf"^{HONORIFIC}\s", said) and len(parts) >= 3:
            said, parts = re.sub(rf"^{HONORIFIC}\s+", "", said), parts[1:]  # "Dr. Amira Haddad" is Amira Haddad
        if re.match(rf"^{HONORIFIC}\s", said) or len(parts) >= 2 or single and fold(said) not in COMMON_FIRST_WORDS:
            self.dir.alias.setdefault(fold(said), said)
            if len(parts) >= 2 and not re.match(rf"^{HONORIFIC}\s", said):
                self.dir.alias.setdefault(fold(parts[0]), said)
            self.dir.alias.setdefault(fold(parts[-1]) + "#surname", said)
            return said
        return None

    def subject(self, unit: Unit, start: int, allow_we: bool, negatable: bool) -> tuple[str | None, bool]:
        """The person a cue at ``start`` is about: the last subject in the clause before it."""
        prefix = unit.sentence[:start]
        prefix = APPOSITIVE.sub(lambda m: m.group("name"), prefix)
        prefix = TITLE_THEN_NAME.sub(lambda m: m.group("name"), prefix)
        prefix = re.sub(r"[,\s]+$", " ", prefix)
        clause = CLAUSE_SPLIT.split(prefix)[-1]
        tokens = list(re.finditer(rf"\b(?:(?i:I(?:'m|'ll|'d|'ve)?|we|we're|we've|he|she|he's|she's|you|they|nobody|everyone|"
                                  rf"someone)|it|It|(?i:our|the|my|their|your)\s{TITLE_PHRASE}|{NAME})\b", clause))
        negated = False
        for tok in reversed(tokens):
            word = tok.group(0)
            if len(word) > 1 and word.isupper():
                continue  # "IT", "HR": a department, not a pronoun or a name
            low = word.lower().split("'")[0]
            negated = negatable and bool(NEGATION.search(clause[tok.end():]))
            if low in BLOCKERS or low in {"we're", "we've"}:
                if allow_we and low.startswith("we"):
                    return self.speaker(unit), negated
                return None, negated
            if low in {"i", "he", "she"}:
                return self.who(low, unit), negated
            if low in {"nobody", "everyone", "someone"}:
                return None, negated
            if not re.match(r"^(?:our|the|my|their|your)\s", word, re.I):
                word = clean_name(word)
                if not word:
                    continue
            full = self.who(word, unit)
            if full:
                return full, negated
        return None, negated

    def _pair_member(self, said: str, unit: Unit) -> str | None:
        low = said.lower()
        if low in {"i", "me", "he", "she"}:
            return self.who(low, unit)
        word = clean_name(said)
        return (self.who(word, unit) or self._new_name(word)) if word else None

    def co_subject(self, unit: Unit, start: int, full: str | None) -> str | None:
        """The other half of a compound subject right before a cue: "She and I decide", "Amira and I sign"."""
        m = CO_SUBJECT.search(unit.sentence[:start])
        if not m or not full:
            return None
        for part in (m.group("a"), m.group("b")):
            word = part if part.lower() in {"i", "he", "she"} else clean_name(part)
            other = self.who(word.lower() if word and word.lower() in {"i", "he", "she"} else word, unit) if word else None
            if other and fold(other) != fold(full):
                return other
        return None

    def read(self) -> None:
        units = self.dir.units
        index = self.dir.index
        self._title_rows = {name: index.any_of(TITLE_LITERALS[name]) for name in TITLE_PATTERNS}
        previous = None
        for k, u in enumerate(units):  # pass 1: titles said on the call, so a cue about "our CFO" finds its person
            self._titles(u, previous, k)
            previous = u
        runs = _cue_runs(index)
        for k, u in enumerate(units):  # pass 2: cues, in call order (pronouns refer back to people named before)
            self._mentions(u)
            if u.sentence.rstrip().endswith("?"):
                continue  # a question is not a statement about who decides
            for cue in runs.get(k, ()):
                for m in cue.pattern.finditer(u.sentence):
                    if cue.kind == "subject":
                        full, negated = self.subject(u, m.start(), cue.allow_we, cue.negatable)
                        if negated:
                            continue
                        self.add(self.co_subject(u, m.start(), full), cue.role, cue.strength, u)
                    elif cue.kind == "possessive":
                        full = self.who(m.group("who"), u)
                    elif cue.kind == "pair":  # "Sara and I decide", "Me and Sara sign": both of them
                        if NEGATION.search(m.group(0)):
                            continue
                        pair = [self._pair_member(m.group(g), u) for g in ("a", "b")]
                        self.add(pair[0], cue.role, cue.strength, u)
                        full = pair[1]
                    else:
                        if cue.kind == "who_threshold" and not THRESHOLD.search(u.sentence[:m.start()]):
                            continue
                        if cue.negatable and NEGATION.search(u.sentence[max(0, m.start() - 25):m.start("who")]):
                            continue
                        full = self.who(m.group("who"), u)
                    role = cue.role
                    if role == "Evaluator" and re.search(r"\b(?:technical|architecture|integration)\b", m.group(0), re.I):
                        role = "Technical Buyer"
                    if role == "Evaluator" and full and not SECURITY.search(u.sentence):
                        title = self._title(full)
                        if title and TECHNICAL_TITLE.search(title) and not SECURITY.search(title):
                            role = "Technical Buyer"
                    if cue.role == "Influencer" and cue.strength == 1 and full:
                        self.vetoed.add(fold(full))
                    self.add(full, role, cue.strength, u)

    def _said_title(self, full: str | None, title: str, source: str) -> None:
        if full and not self.dir.is_vendor(full):
            key = fold(full)
            if key not in self.said_titles or source == "appositive" and self.title_source.get(key) != "appositive":
                self.said_titles[key] = title
                self.title_source[key] = source
            if source == "appositive":
                self.title_people.setdefault(fold(title), full)

    def _may(self, name: str, k: int | None) -> bool:
        """Whether title pattern ``name`` can match sentence ``k`` (its literal pre-filter)."""
        if k is None:
            return True
        rows = self._title_rows.get(name)
        return rows is None or k in rows

    def _titles(self, u: Unit, previous: Unit | None, k: int | None = None) -> None:
        for name, rx in (("APPOSITIVE", APPOSITIVE), ("TITLE_THEN_NAME", TITLE_THEN_NAME), ("NEW_TITLE", NEW_TITLE)):
            if not self._may(name, k):
                continue
            for m in rx.finditer(u.sentence):
                name = clean_name(m.group("name"))
                if not name:
                    continue
                full = self.dir.resolve(name) or self._new_name(name, single=True)
                self._said_title(full, m.group("title"), "appositive")
        m = THATS_NAME.search(u.sentence) if self._may("THATS_NAME", k) else None  # "... our OT security lead to look at it. That's Jonas Lie, ..."
        if m and previous is not None and previous.turn is u.turn:
            titles = [t for t in TITLE_ONLY.finditer(previous.sentence)]
            name = clean_name(m.group("name"))
            if titles and name:
                full = self.dir.resolve(name) or self._new_name(name)
                self._said_title(full, titles[-1].group("title"), "appositive")
        for m in FROM_DEPT.finditer(u.sentence) if self._may("FROM_DEPT", k) else ():  # "Kevin Janssens from IT joined as well"
            name = clean_name(m.group("name"))
            full = self.dir.resolve(name) if name else None
            if full and self.dir.people.get(fold(full)) and self.dir.people[fold(full)].speaker:
                self._said_title(full, m.group("title"), "department")
        m = SELF_TITLE.search(u.sentence) if self._may("SELF_TITLE", k) else None
        m = m or (SELF_DEPT.search(u.sentence) if self._may("SELF_DEPT", k) else None)  # "I look after IT here"
        if m and self.speaker(u):
            self._said_title(self.dir.spoke(u), m.group("title"), "self")

    def _mentions(self, u: Unit) -> None:
        for m in NAME_RX.finditer(u.sentence):
            word = clean_name(m.group(0))
            if not word:
                continue
            full = self.dir.resolve(word)
            if not full:
                continue
            if fold(word.split()[0]) in COMMON_FIRST_WORDS and fold(word) != fold(full):
                continue
            if fold(full) != fold(self.dir.spoke(u)):
                self.recent.append((u.turn_index, full))
            self.dir.person(full).mentions.append(u)

    def _title(self, full: str) -> str | None:
        person = self.dir.people.get(fold(full))
        if person and person.contact and person.contact.Title:
            return person.contact.Title
        return self.said_titles.get(fold(full))


INTRODUCING = re.compile(r"\b(?:I'm|I am|my name|this is|here)\b", re.I)


def _evidence_unit(ctx: CallContext, person: Person, d: Directory) -> Unit | None:
    """A sentence that shows the person on the call: their introduction, a mention, or their first turn."""
    first = fold(person.name.split()[0])
    units = clean_units(ctx)
    mine = d.spoken_by(fold(person.name), units)
    intro = next((u for u in mine if INTRODUCING.search(u.sentence) and len(u.sentence.split()) >= 4), None)
    if intro is not None:
        return intro
    said = next((u for u in person.mentions if fold(d.spoke(u)) != fold(person.name) and not has_contact_details(u.sentence)),
                None)
    if said is not None:
        return said
    own = next((u for u in mine if len(u.sentence.split()) >= 5), None)
    if own is not None:
        return own
    return next((u for u in units if first in fold(u.sentence)), None)


def _best(cands: list[Candidate]) -> Candidate:
    return max(cands, key=lambda c: (c.strength, -PRIORITY.index(c.role)))


TECH_TALK = re.compile(r"\b(?:API|APIs|integrat\w+|SSO|single sign-on|connectors?|schema|data model|database|architecture|"
                       r"migrat\w+|sandbox|ERP|webhooks?|endpoints?|server|cloud|on-prem\w*|latency|encryption|Active Directory|"
                       r"Azure|AWS|SAP|Salesforce|NetSuite|Snowflake|export|import|CSV|interface|firewall|VPN)\b", re.I)
USE_TALK = re.compile(r"\b(?:every day|daily|day[- ]to[- ]day|by hand|manually|spreadsheets?|my team|our team|the team|"
                      r"on the floor|on site|in the stores?|in the field|the drivers|the nurses|the technicians|our process|"
                      r"workflow|rota|rosters?|shifts?|timesheets?|schedul\w+)\b", re.I)


def _participation_role(d: "Directory", name: str) -> str | None:
    """A contact whose title suggests nothing and who gets no cue, but who speaks: a default from how they take
    part, title-level (inferred) confidence. Several technical questions or remarks make a Technical Buyer;
    talk about the daily work the product touches makes a Business User; anything else (scheduling, small
    talk) gives no role."""
    text = " ".join(u.sentence for u in d.spoken_by(fold(name), d.units))
    if len(text.split()) < 30:
        return None
    tech, use = len(TECH_TALK.findall(text)), len(USE_TALK.findall(text))
    if tech >= 3 and tech > use:
        return "Technical Buyer"
    if use >= 3 and use > tech:
        return "Business User"
    return None


def _lead_without_decision_maker(cands: dict[str, list[Candidate]], d: "Directory", reader: "_Reader",
                                 words: dict[str, int]) -> None:
    """When nobody on the call decides, the buyer side's lead does, from their title and part in the call:
    - the finance side signs (an Economic Buyer with a finance title, not an owner or CEO): the business
      contact who speaks most, otherwise a Business User by title, is the Decision Maker;
    - two technical people, one the other's senior (Head/Director vs engineer/lead), and no explicit
      technical cue for the senior one: the senior one leads the decision, the other does the technical buying.
    Both are title-level (strength 1, inferred) candidates."""
    best = {k: _best(cs) for k, cs in cands.items() if cs}
    if any(b.role == "Decision Maker" for b in best.values()):
        return

    def title(key: str) -> str | None:
        person = d.people.get(key)
        return (person.contact.Title if person and person.contact else None) or reader.said_titles.get(key)

    def spoke(key: str) -> bool:
        person = d.people.get(key)
        return bool(person and person.speaker and words.get(key, 0))

    eb = [k for k, b in best.items() if b.role == "Economic Buyer"]
    finance_signs = eb and all((FINANCE_CHIEF.search(title(k) or "") or FINANCE.search(title(k) or ""))
                               and not OWNER.search(title(k) or "") for k in eb)
    buyer_words = sum(n for k, n in words.items() if k in d.people and d.people[k].speaker and not d.is_vendor(k))
    if finance_signs:  # a lead is a manager-level business title who carries a real share of the buyer side's talk
        users = [k for k, b in best.items() if b.role == "Business User" and b.strength == 1 and spoke(k)
                 and BUSINESS.search(title(k) or "") and LEAD_TITLE.search(title(k) or "")
                 and words.get(k, 0) >= max(40, 0.25 * buyer_words)]
        if users:
            lead = max(users, key=lambda k: words.get(k, 0))
            cands[lead].append(Candidate("Decision Maker", 1, best[lead].unit, False))
            return
    tech = [k for k, b in best.items() if b.role == "Technical Buyer" and d.people.get(k) and d.people[k].contact]
    senior = [k for k in tech if SENIOR.search(title(k) or "") and best[k].strength == 1 and spoke(k)]
    junior = [k for k in tech if not SENIOR.search(title(k) or "")]
    if len(senior) == 1 and junior:
        lead = senior[0]
        cands[lead] = [c for c in cands[lead] if c.role != "Technical Buyer"] + \
            [Candidate("Decision Maker", 1, best[lead].unit, False)]


def extract_roles(ctx: CallContext) -> list[ExtractedRole]:
    reader = _Reader(ctx)
    reader.read()
    d = reader.dir
    cands = reader.candidates
    snap = ctx.snapshot
    domain = fold(f"{snap.Opportunity.Name or ''} {d.vendor_word}")
    # CRM contacts heard or named on the call get their title prior
    for c in ctx.snapshot.Contacts:
        person = d.people.get(fold(c.Name))
        if person is None or d.is_vendor(c.Name) or not (person.speaker or person.mentions):
            continue
        role = _title_role(c.Title or reader.said_titles.get(fold(c.Name)), domain)  # no CRM title: the one said on the call
        if role in {"Economic Buyer", "Decision Maker"} and fold(c.Name) in reader.vetoed:
            role = None
        if role is None and not cands.get(fold(c.Name)) and person.speaker:
            role = _participation_role(d, c.Name)
        unit = _evidence_unit(ctx, person, d)
        if role and unit is not None:
            cands.setdefault(fold(c.Name), []).append(Candidate(role, 1, unit, False))
    # people not in CRM: a title said on the call ("our CFO, Paola Marino", "Kevin from IT joined")
    for key, title in reader.said_titles.items():
        person = d.people.get(key)
        if person is None or person.contact is not None or d.is_vendor(person.name):
            continue
        role = _prior(title)
        source = reader.title_source.get(key)
        # a buyer-side speaker outside CRM saying their own technical or security job ("I look after IT here")
        own_job = source == "self" and person.speaker and not d.sounds_vendor(person.name) and not VENDORISH_TITLE.search(title)
        allowed = {"Economic Buyer", "Technical Buyer", "Evaluator", "Other"} if source == "appositive" else \
            {"Technical Buyer", "Evaluator"} if source == "department" or own_job else set()
        if role in allowed and not (role == "Economic Buyer" and key in reader.vetoed):
            unit = next((u for u in person.mentions if not has_contact_details(u.sentence)), None) or _evidence_unit(ctx, person, d)
            if unit is not None:
                cands.setdefault(key, []).append(Candidate(role, 1, unit, False))
    # people outside CRM need an explicit cue or a title said on the call
    for key in list(cands):
        person = d.people.get(key)
        if d.contact(person.name if person else key) is None and not any(c.strength >= 3 or c.strength == 1 and
                                                                           c.role != "Influencer" for c in cands[key]):
            del cands[key]
    # someone named as the budget holder outranks a CFO title elsewhere on the call
    if any(c.role == "Economic Buyer" and c.strength >= 2 for cs in cands.values() for c in cs):
        for key in list(cands):
            if not any(c.role == "Economic Buyer" and c.strength >= 2 for c in cands[key]):
                cands[key] = [c for c in cands[key] if not (c.role == "Economic Buyer" and c.strength == 1)]
    # one Decision Maker by title at most, none when the call names one; the others with a business title use it
    explicit_dm = any(_best(cs).role == "Decision Maker" and _best(cs).strength >= 2 for cs in cands.values() if cs)
    by_title = [k for k, cs in cands.items() if cs and _best(cs).role == "Decision Maker" and _best(cs).strength == 1]
    words: dict[str, int] = {}
    for t in ctx.transcript.turns:
        key = fold(d.speaker_names.get(t.speaker, t.speaker))
        words[key] = words.get(key, 0) + len(t.text.split())
    keep = None if explicit_dm or not by_title else max(by_title, key=lambda k: words.get(k, 0))
    for key in by_title:
        if key == keep:
            continue
        person = d.people.get(key)
        title = (person.contact.Title if person and person.contact else None) or reader.said_titles.get(key)
        rest = [c for c in cands[key] if not (c.role == "Decision Maker" and c.strength == 1)]
        if title and BUSINESS.search(title):
            rest.append(Candidate("Business User", 1, cands[key][0].unit, False))
        cands[key] = rest
    _lead_without_decision_maker(cands, d, reader, words)

    roles: list[ExtractedRole] = []
    for key, cs in cands.items():
        if not cs:
            continue
        person = d.people.get(key)
        name = person.name if person else key
        contact = d.contact(name)
        best = _best(cs)
        same = [c for c in cs if c.role == best.role and (c.strength >= 2 or best.strength == 1)]
        agree = len({(c.unit.turn_index, c.unit.turn.speaker) for c in same}) > 1
        prior = _title_role((contact.Title if contact else None) or reader.said_titles.get(key), domain)
        certainty = "explicit" if best.strength >= 3 else "inferred"
        quotes, seen = [], set()
        title = (contact.Title if contact and contact.Title else None)
        if best.strength == 1 and title:  # the role rests on the CRM title: that is its evidence
            quotes.append(Evidence(quote=f"Title: {title}", speaker=contact.Name, source="crm"))
        for c in sorted(same, key=lambda c: (-c.strength, c.unit.turn_index)):
            if quotes and best.strength == 1 and title:
                break
            if c.unit.sentence not in seen:
                seen.add(c.unit.sentence)
                quotes.append(evidence(c.unit.turn, c.unit.sentence))
        roles.append(ExtractedRole(
            name=contact.Name if contact else name,
            title=(contact.Title if contact and contact.Title else reader.said_titles.get(key)),
            role=best.role, contact_id=contact.Id if contact else None, evidence=quotes[:3], certainty=certainty,
            # the CRM title agreeing with what the call says is the validator; a title alone validates nothing
            confidence=confidence(certainty, best.strength >= 2 and prior == best.role, agree, best.hedged)))
    order = {fold(c.Name): i for i, c in enumerate(ctx.snapshot.Contacts)}
    roles.sort(key=lambda r: (order.get(fold(r.name), len(order)), PRIORITY.index(r.role), r.name))
    return roles
