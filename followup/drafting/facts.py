"""Deal facts said on a call: competitors, objections and MEDDICC/BANT items, each with evidence.

Rules, no model. Only what the buyer side says counts for objections, pains, criteria and metrics
(the rep's pitch is not a fact about the deal); competitors and process may come from either side.
Sentences that are prompt injections, hypotheticals ("let's say", "if we added...") for figures, or
that carry phone numbers, emails or addresses are never used. Evidence quotes are verbatim sentences
of one turn. Confidence uses the documented formula in ``followup.drafting.context``: explicit
(said outright) or inferred, +0.10 when said by the buyer side, +0.10 when another buyer speaker
says the same kind of thing, −0.15 when hedged.

Keys of ``Extraction.facts`` (each a list of Findings): MEDDICC ``metrics``, ``economic_buyer``,
``decision_criteria``, ``decision_process``, ``paper_process``, ``pain``, ``champion``,
``competition``; BANT ``budget``, ``authority``, ``need``, ``timeline``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from followup.drafting.context import (HEDGE, HYPOTHETICAL, CallContext, SentenceIndex, Unit, confidence, evidence,
                                       required_literals)
from followup.drafting.model import ExtractedField, ExtractedRole, Finding
from followup.drafting.names import fold
from followup.drafting.roles import NOT_NAMES, clean_units, directory

NUMBER = (r"(?:\d[\d,.]*|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|"
          r"fifty|sixty|seventy|eighty|ninety|hundred|half|double|twice)")

# -- competitors ------------------------------------------------------------------------------------------
COMPANY = r"(?P<name>[A-Z][A-Za-z0-9&'’\-]+(?:\s[A-Z][A-Za-z0-9&'’\-]+)?)"
COMPETITOR_CUES = [
    re.compile(rf"\b(?i:quote|quotes|offer|offers|proposal|bid|price|pricing|number)\s+(?i:from|by)\s+{COMPANY}"),
    re.compile(rf"\b{COMPANY}\s+(?i:came in at|came back|quoted|offered|is offering|are offering|offers|charges?|"
               rf"were at|was at|is at|are at|got in touch|reached out|contacted|undercut|is cheaper|are cheaper|"
               rf"is also in|are also in|has a|have a|doesn't have|don't have|does not have|do not have)\b"),
    re.compile(rf"\b(?i:go|going|went|gone|goes|stay|staying|stick|sticking)\s+(?i:with)\s+{COMPANY}"),
    re.compile(rf"\b(?i:agreement|contract|deal|framework|relationship|pilot|trial)\s+(?i:with)\s+{COMPANY}"),
    re.compile(rf"\b(?i:also|already)\s+(?i:talking to|talked to|speaking to|spoke to|looking at|looked at|look at|evaluating|"
               rf"considering|using|use)\s+{COMPANY}"),
    re.compile(rf"\b(?i:talked to|talking to|spoke to|speaking to|looked at|looking at|evaluated|evaluating|considering)\s+"
               rf"{COMPANY}\s+(?i:as well|too)\b"),
    re.compile(rf"\b(?i:compared to|compared with|versus|vs\.?|cheaper than|instead of|rather than|switch from|"
               rf"replace|replacing|migrate from|migrating from)\s+{COMPANY}"),
    re.compile(rf"\b(?i:competitor|competition|incumbent|alternative),?\s+{COMPANY}"),
    re.compile(rf"\b(?i:pay|paying|pays|paid|use|using|uses|licen[cs]e|licen[cs]ing)\s+{COMPANY}\s+(?i:today|now|currently|at the "
               rf"moment|for (?:this|that|it)|already)\b"),
    re.compile(rf"\b{COMPANY}(?:'s|’s)\s+(?i:price|offer|quote|number|fifty|sixty|seventy|eighty|ninety|hundred|\d)"),
]
NOT_COMPANIES = {
    "Excel", "Teams", "Zoom", "Outlook", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday",
    "Enterprise", "Business", "Premium", "Standard", "Professional", "Basic", "Pro", "Plus", "Q1", "Q2", "Q3", "Q4", "EU",
    "US", "UK", "AI", "IT", "HR", "CFO", "CEO", "COO", "CTO", "CIO", "VP", "SE", "NDA", "DPA", "MSA", "BAA", "PO", "SOC",
    "Legal", "Finance", "Procurement", "Security", "Board", "Group", "Thanks", "Okay", "Yes", "No", "Sure",
}

# -- objections ---------------------------------------------------------------------------------------
OBJECTIONS = [
    ("price", re.compile(r"\b((?:is|that's|it's) (?:a lot|steep|a lot of money)|if the \w+ fee comes down|(?:fee|price|cost) comes? "
                         r"down|can you get me to|any flexibility on (?:the )?(?:price|onboarding|fee)|too (?:high|expensive|much|steep)|expensive|pricey|(?:price|cost|quote|number) is (?:a lot |much )?"
                         r"higher than|tough number|hard number|hard to justify|"
                         r"can't justify|number is the problem|price is the problem|above what I had in mind|more than (?:we|I) "
                         r"(?:expected|budgeted|had in mind)|over (?:our|the) budget|above (?:our|the) budget|closer to where|"
                         r"(?:cheaper|lower) (?:offer|price|quote)|budget that was approved for this is|need (?:a|some) discount|"
                         r"number is high)\b", re.I)),
    ("budget", re.compile(r"\b(budget (?:freeze|is frozen|was frozen|cut|cuts|is gone|was cut)|spending freeze|spend freeze|"
                          r"freeze on|no budget|not budgeted|isn't budgeted|haven't budgeted|budget (?:isn't|is not) there|"
                          r"paused|on hold|non-clinical IT spend|save money)\b", re.I)),
    ("security", re.compile(r"\b(security (?:review|assessment|questionnaire|team)|vendor (?:risk|security) (?:review|assessment)|"
                            r"SOC ?2|pen(?:etration)? test|data residency|residency|has to stay in|must stay in|stays? in the EU|"
                            r"GDPR|HIPAA|PHI|DPIA|data protection|privacy (?:impact|obligations|review)|HDS|certif\w+|"
                            r"subprocessors?|no inbound|orphan accounts|single sign-on)\b", re.I)),
    ("timing", re.compile(r"\b(not (?:realistic|going to happen|happening)|(?:way |much )?too late (?:now|for)|not before|won't be before|"
                          r"can't (?:get it signed|sign) before|no way|timeline(?:s)? (?:is|are) long|takes time|slow|"
                          r"will not give you a (?:signature )?date|can't tell you a date|won't commit to a date|"
                          r"not promising|it moves again|might slip|slip into|pushed back|delay\w*|"
                          r"(?:won't|will not|can't|cannot) sign\b[^.]{0,40}\bbefore)\b", re.I)),
    ("competition", re.compile(r"\b((?:another|other|a different|a cheaper) (?:vendor|provider|supplier)s?|competitors?|"
                               r"the incumbent|framework agreement with|they (?:came in|offered|quoted)\b[^.]{0,40}\b(?:lower|cheaper|less))\b",
                               re.I)),
    ("legal", re.compile(r"\b(liability cap|liability|indemnit\w+|redlines?|breach notification|our own paper|our paper|"
                         r"don't sign vendor|MSA|BAA|master agreement|contract (?:terms|draft|review)|legal (?:review|department|"
                         r"team)|in-house legal|price increases? at renewal|non-renew\w*|offshore (?:access|clause))\b", re.I)),
    ("works_council", re.compile(r"\b(works council|works councils|betriebsrat|comité social|comite social|ondernemingsraad|"
                                 r"employee representatives|union consultation|information and consultation)\b", re.I)),
    ("integration", re.compile(r"\b(don't have the \w+ connector|doesn't have the \w+ connector|no native|not natively|"
                               r"natively|generic (?:REST|API|connector)|custom thing|API limits?|concurrency|breaks every time|"
                               r"read replicas?|can't point anything at production|change tracking|older version|"
                               r"different version|fixed-width|integration with)\b", re.I)),
    ("resources", re.compile(r"\b(don't have the (?:headcount|time|people|capacity|bandwidth)|don't have six months|"
                             r"underwater|babysit|no capacity|stretched|short-staffed|nobody (?:in the plant )?will touch)\b", re.I)),
    ("status_quo", re.compile(r"\b(not buying anything|not a priority|happy with what we have|nothing right now|"
                              r"information-gathering|just trying to understand)\b", re.I)),
]
WEAK_PRICE = re.compile(r"\b((?:is|that's|it's) (?:a lot|steep|a lot of money)|expensive|pricey|number is high|(?:cheaper|lower) (?:offer|price|quote))\b", re.I)
PRICE_CONTEXT = re.compile(r"\b(price|pricing|quote|quoted|proposal|offer|number|cost|costs|licen[cs]es?|subscription|fees?|"
                           r"budget|discount|per (?:year|user|month|seat)|a year|thousand|grand)\b", re.I)
CONCERN = re.compile(r"\b(higher|expensive|concern\w*|worr\w+|problem|issue|risk|afraid|not thrilled|hard line|showstopper|no-go|deal-?breaker|"
                     r"can't|cannot|won't|don't|doesn't|not|no|never|must|has to|have to|need|needs|want|only if|strict|"
                     r"hard requirement|too|but)\b", re.I)

# -- MEDDICC / BANT -------------------------------------------------------------------------------------
METRIC = re.compile(rf"\b(?:{NUMBER})\s*(?:%|percent|per ?cent|x|times|working days|days|hours|hours a week|minutes|weeks|"
                    r"shifts|people|FTEs?|headcount)\b|\bfrom\s+(?:{NUMBER})\s+(?:to|down to)\s+(?:{NUMBER})\b|"
                    r"\b(?:save[sd]?|saving|reduce[sd]?|cut|dropped|drop|faster|slower|improv\w+|yield|downtime|overtime|"
                    r"lose days|scrap rate|OEE|completion rates?|retention)\b", re.I)
METRIC_STRONG = re.compile(rf"\b(?:{NUMBER})\b", re.I)
METRIC_MEASURE = re.compile(r"\b(takes?|took|taking|reduc\w+|sav(?:e|ed|es|ing)|cut|dropped|drops?|faster|quicker|wants? it in|"
                            r"down to|improv\w+|increas\w+|decreas\w+|per (?:day|week|month|shift|order|site|home)|every "
                            r"(?:day|week|month)|yield|downtime|overtime|scrap|OEE|completion|retention|hours saved|"
                            r"weekends|lose days|event for us|caught)\b", re.I)
NOT_METRIC = re.compile(r"\b(ago|late|leave|holiday|vacation|meeting|call|minutes today|on the phone|notice|demo|invite|"
                        r"agenda|wedding|board|legal|contract|cap|fees?|vendor|sent|send|email|mail)\b", re.I)
PAIN = re.compile(r"\b(problem|pain|hurting|breaks|broken|lose days|manual\w*|too late|can't see|"
                  r"(?:build|builds|built|track|tracks|tracked|manage|manages|managed|keep|keeps|kept|run|runs|has|have|"
                  r"send|sends|copy|copies)\b[^.]{0,40}\b(?:spreadsheets?|excel(?: files?| sheets?)?)|"
                  r"frustrat\w+|nightmare|mess|struggl\w+|waste\w*|takes (?:nine|\w+) (?:working )?days|three weeks old|"
                  r"weekends|overtime|nobody saw|don't match|corrections|sceptical|angry|suffer\w*|always \w+ weeks old|"
                  r"none of them agree|falling over|out of date|stale|by hand|copy(?:ing)? it|chasing)\b", re.I)
CRITERIA = re.compile(r"\b(showstopper|deal-?breaker|hard line|hard requirement|non-negotiable|must (?:have|be|stay|support)|"
                      r"has to (?:stay|be|go|support|run)|have to be able to|need to be able to|needs? to (?:stay|be|support|run)|"
                      r"(?:is|are|that's) (?:a |our )?(?:hard |key |main )?requirements?|criteria (?:is|are)|that is success|that's success|what matters|most important|the key thing|"
                      r"won't accept|will not accept|only if|no inbound|outbound only|want evidence|I want to see)\b", re.I)
PROCESS = re.compile(r"\b(board|committee|architecture board|steering|tender|call for tender|direct award|approval process|"
                     r"sign-?off|goes to|go to (?:him|her|the)|needs? (?:\w+'s )?(?:signature|approval)|DPIA|works council|"
                     r"security review|vendor security assessment|business case|budget round|decides|advice)\b", re.I)
PAPER = re.compile(r"\b(legal|contract|MSA|DPA|NDA|order form|purchase order|\bPO\b|supplier (?:form|onboarding)|fiche fournisseur|"
                   r"vendor onboarding|redlines?|DocuSign|countersign\w*|signature|master agreement|BAA|Kbis|letterhead|"
                   r"framework agreement|procurement)\b", re.I)
PAPER_ACTION = re.compile(r"\b(send|sends|sent|review|reviews|route|routes|sign|signs|signed|mark it up|comments|needs?|"
                          r"use our own|we use|go through|goes through|takes|open you|two weeks)\b", re.I)
BUDGET = re.compile(r"\b(budget|envelope|funded|funding|capex|opex|spend)\b", re.I)
BUDGET_STATE = re.compile(rf"\b(approved|frozen|freeze|there|allocated|set aside|(?:is|was|of)\s+(?:about\s+)?(?:{NUMBER})|"
                          r"in the budget|no budget|budget round|next financial year|fiscal|is fine|signed off)\b", re.I)
TIMELINE = re.compile(r"\b(sign (?:by|in|before|on)|signature by|signed by|go[- ]live|live (?:by|for|before)|start in|"
                      r"kick-?off|implementation (?:to )?start|by the end of|end of (?:June|the year|Q\d|the quarter)|"
                      r"deadline|fiscal year ends|commissioning|signature date|answer by|decision by|decisions in)\b", re.I)
TIMELINE_WHAT = re.compile(r"\b(sign\w*|live|start|deadline|implementation|commission\w*|decision|answer|budget|fiscal|goal)\b", re.I)
CHAMPION = re.compile(r"\b(I prefer you|I'll push|I can push|I'll argue|I can argue|make the case|make that argument|"
                      r"I'm not starting again|I'll champion|in your corner|I want it|I'm the sponsor|help (?:your|the) case)\b",
                      re.I)


def _price_objection(sentence: str, rx: re.Pattern) -> bool:
    """A price objection that is not a hypothetical figure, and a weak word ("expensive") only about the price."""
    return (not HYPOTHETICAL.search(sentence) or "budget" in sentence.lower()) and \
        bool(not WEAK_PRICE.search(sentence) or PRICE_CONTEXT.search(sentence)
             or len(rx.findall(sentence)) > len(WEAK_PRICE.findall(sentence)))


def _enough(hits, who) -> list:
    """The hits a finding uses, read lazily: its evidence is the first three distinct sentences and its agreement
    needs a second buyer speaker, so scanning stops once both are settled (same finding as reading every hit)."""
    out, sentences, speakers = [], set(), set()
    for s in hits:
        out.append(s)
        sentences.add(s.unit.sentence)
        if s.buyer:
            speakers.add(who(s.unit))
        if len(sentences) >= 3 and len(speakers) > 1:
            break
    return out


@dataclass
class _Said:
    unit: Unit
    buyer: bool
    row: int = 0  # position in the sentences of ``index``


_LITERALS: dict[re.Pattern, frozenset[str] | None] = {}


def _literals(rx: re.Pattern) -> frozenset[str] | None:
    if rx not in _LITERALS:
        _LITERALS[rx] = required_literals(rx)
    return _LITERALS[rx]


def _trim(sentence: str, limit: int = 220) -> str:
    sentence = " ".join(sentence.split())
    return sentence if len(sentence) <= limit else sentence[:limit].rsplit(" ", 1)[0] + " …"


class _Facts:
    def __init__(self, ctx: CallContext):
        self.ctx = ctx
        self.dir = directory(ctx)
        units = clean_units(ctx)
        row = {id(u): i for i, u in enumerate(self.dir.units)}  # clean units are some of the directory's units
        self.said = [_Said(u, self._buyer(u), row.get(id(u), -1)) for u in units]
        self.index = self.dir.index if all(s.row >= 0 for s in self.said) else SentenceIndex([u.sentence for u in units])
        if self.index is not self.dir.index:
            for i, s in enumerate(self.said):
                s.row = i

    def may_match(self, rx: re.Pattern, said: list[_Said] | None = None) -> list[_Said]:
        """The sentences (of ``said``, default all, in call order) that contain a literal every match of ``rx``
        needs: a pre-filter that never drops a match."""
        rows = self.index.any_of(_literals(rx))
        pool = self.said if said is None else said
        if rows is None:
            return pool
        return [s for s in pool if s.row in rows]

    def _buyer(self, u: Unit) -> bool:
        name = self.dir.spoke(u)
        if name.lower() == "notes":
            return True  # free-form notes record what the buyer side said
        return name.lower() not in {"unknown", "speaker"} and not self.dir.is_vendor(name) and \
            (self.dir.contact(name) is not None or not self._sounds_vendor(name))

    def _sounds_vendor(self, name: str) -> bool:
        """A speaker outside CRM who talks about "our product/platform/connectors" as theirs is on the vendor side."""
        return self.dir.sounds_vendor(name)

    def finding(self, kind: str, value: str, units: list[_Said], certainty: str = "explicit") -> Finding:
        first = units[0]
        agree = len({fold(self.dir.spoke(s.unit)) for s in units if s.buyer}) > 1
        hedged = bool(HEDGE.search(first.unit.sentence))
        seen, quotes = set(), []
        for s in units:
            if s.unit.sentence not in seen:
                seen.add(s.unit.sentence)
                quotes.append(evidence(s.unit.turn, s.unit.sentence))
        return Finding(kind=kind, value=value, evidence=quotes[:3], certainty=certainty,
                       confidence=confidence(certainty, first.buyer, agree, hedged))

    # -- competitors
    def competitors(self) -> list[Finding]:
        vendor = self.dir.vendor_word
        account = {fold(w) for w in re.findall(r"[A-Za-z0-9]+", self.ctx.snapshot.Account.Name)}
        found: dict[str, list[_Said]] = {}
        names: dict[str, str] = {}
        position = {id(s): i for i, s in enumerate(self.said)}
        matches = sorted(((position[id(s)], c, n, s, m) for c, rx in enumerate(COMPETITOR_CUES) for s in self.may_match(rx)
                          for n, m in enumerate(rx.finditer(s.unit.sentence))), key=lambda x: x[:3])
        for _, _, _, s, m in matches:  # in call order, then cue order, as if every cue ran on every sentence
            name = m.group("name").strip()
            words = name.split()
            while words and (words[0] in NOT_NAMES or words[0] in NOT_COMPANIES):
                words = words[1:]
            while words and (words[-1] in NOT_NAMES or words[-1] in NOT_COMPANIES):
                words = words[:-1]
            if not words:
                continue
            name = " ".join(words)
            key = fold(name)
            if (key == vendor or key in account or any(fold(w) in account for w in words)
                    or self.dir.resolve(name) or self.dir.resolve(words[0]) or name in NOT_COMPANIES
                    or re.fullmatch(r"[A-Z]{2,3}", name)):
                continue
            found.setdefault(key, []).append(s)
            names.setdefault(key, name)
        return [self.finding("competitor", names[k], v) for k, v in found.items()]

    # -- objections
    def objections(self) -> list[Finding]:
        out = []
        buyer = [s for s in self.said if s.buyer]
        for kind, rx in OBJECTIONS:
            hits = _enough((s for s in self.may_match(rx, buyer) if rx.search(s.unit.sentence) and
                           (kind in {"works_council", "status_quo", "budget", "competition", "price"} or
                            CONCERN.search(s.unit.sentence)) and (kind != "price" or _price_objection(s.unit.sentence, rx))),
                           lambda u: fold(self.dir.spoke(u)))
            if hits:
                out.append(self.finding(kind, _trim(hits[0].unit.sentence), hits))
        return out

    # -- MEDDICC / BANT
    def sentences(self, kind: str, rx: re.Pattern, buyer_only: bool = True, extra=None, limit: int = 3) -> list[Finding]:
        hits = (s for s in self.may_match(rx) if (s.buyer or not buyer_only) and rx.search(s.unit.sentence) and
                len(s.unit.sentence.split()) >= 4 and (extra is None or extra(s.unit.sentence)))
        out, seen = [], set()
        for s in hits:  # lazily: a long call stops scanning once ``limit`` findings are in
            if s.unit.sentence in seen:
                continue
            seen.add(s.unit.sentence)
            out.append(self.finding(kind, _trim(s.unit.sentence), [s]))
            if len(out) >= limit:
                break
        return out

    def role_findings(self, kind: str, roles: list[ExtractedRole], wanted: set[str]) -> list[Finding]:
        out = []
        for r in roles:
            if r.role not in wanted:
                continue
            detail = ", ".join(p for p in (r.title, r.role if kind != "economic_buyer" else None,
                                           None if r.contact_id else "not in CRM") if p)
            if r.evidence:
                out.append(Finding(kind=kind, value=f"{r.name} ({detail})" if detail else r.name, evidence=list(r.evidence),
                                   certainty=r.certainty, confidence=r.confidence))
        return out


def extract_facts(ctx: CallContext, roles: list[ExtractedRole] | None = None,
                  fields: list[ExtractedField] | None = None) -> dict:
    """``competitors``, ``objections`` and ``facts`` for ``Extraction``."""
    f = _Facts(ctx)
    roles = roles or []
    competitors = f.competitors()
    objections = f.objections()
    if competitors and not any(o.kind == "competition" for o in objections):
        said = [s for s in f.said if s.buyer and any(e.quote == s.unit.sentence for c in competitors for e in c.evidence)]
        if said:
            objections.append(f.finding("competition", _trim(said[0].unit.sentence), said))
    objection_quotes = {e.quote for o in objections if o.kind in {"price", "budget"} for e in o.evidence}
    pain = f.sentences("pain", PAIN, extra=lambda s: s not in objection_quotes and not HYPOTHETICAL.search(s)
                       and not s.rstrip().endswith("?"))
    facts: dict[str, list[Finding]] = {
        "metrics": f.sentences("metrics", METRIC, extra=lambda s: bool(METRIC_STRONG.search(s) and METRIC_MEASURE.search(s))
                               and not NOT_METRIC.search(s) and not HYPOTHETICAL.search(s)
                               and not re.search(r"\b(?:thousand|grand|k|euros?|dollars?|pounds?)\b|[$€£]", s, re.I)),
        "economic_buyer": f.role_findings("economic_buyer", roles, {"Economic Buyer"}),
        "decision_criteria": f.sentences("decision_criteria", CRITERIA, extra=lambda s: not s.rstrip().endswith("?")
                                         and not re.search(r"\bfor you\b|\bthe book\b", s, re.I)),
        "decision_process": f.sentences("decision_process", PROCESS,
                                        extra=lambda s: not HYPOTHETICAL.search(s) or "goes to" in s.lower()),
        "paper_process": f.sentences("paper_process", PAPER, buyer_only=True, extra=lambda s: bool(PAPER_ACTION.search(s))),
        "pain": pain,
        "champion": f.role_findings("champion", roles, {"Influencer", "Executive Sponsor"}) or
        f.sentences("champion", CHAMPION, limit=1),
        "competition": [Finding(kind="competition", value=c.value, evidence=c.evidence, certainty=c.certainty,
                                confidence=c.confidence) for c in competitors],
        "budget": f.sentences("budget", BUDGET, extra=lambda s: bool(BUDGET_STATE.search(s)) and not HYPOTHETICAL.search(s)),
        "authority": f.role_findings("authority", roles, {"Economic Buyer", "Decision Maker"}),
        "need": pain[:2],
        "timeline": f.sentences("timeline", TIMELINE, extra=lambda s: bool(TIMELINE_WHAT.search(s)) and not s.rstrip().endswith("?"),
                                limit=2),
    }
    for field in fields or []:
        if field.field == "Opportunity.CloseDate" and field.evidence:
            facts["timeline"].insert(0, Finding(kind="timeline", value=f"Signature expected by {field.value}", evidence=field.evidence,
                                                certainty=field.certainty, confidence=field.confidence))
    facts = {k: [Finding(**{**x.model_dump(), "kind": k}) for x in v] for k, v in facts.items() if v}
    return {"competitors": competitors, "objections": objections, "facts": facts}
