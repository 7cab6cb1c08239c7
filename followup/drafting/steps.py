"""Next steps said on a call: who does what by when, with the sentences that say so.

Rules (general English patterns of sales calls, no call-specific words):

- Commitments: "I'll / I will / I'm going to / let me / happy to / I need to check" + an action verb, and in a
  recap or with a date the present tense ("I send", "Ravi ships", "you check"): owner the speaker ("we",
  "our legal team", "my assistant" too, as a weaker owner); a named person on the call ("Marcus takes it to
  Renée on Friday"; "Name and Name give ..." -> the first); a colleague not on the call only for a hand-over
  ("Sarah's going to send the SOW"), not a prediction ("Helen will ask"); "you'll ..." -> the person addressed,
  except "you'll have it from me by Friday" (the speaker); "it'll be with you by Monday", "expect X by
  Thursday", "give me until Friday to review X" -> the speaker.  Owners are full names: CRM contacts and the
  rep first, then speakers ("Jana", "Ann B.", "Dr. Jana Vogt", "Vogt, Jana (External)"), then a "First Last"
  said on the call.  Notes headings ("Notes", "Next steps", "Action items") and their imperative lines -> the rep.
- Offers ("I can send you X") count once taken up ("yes please"); "we can X" needs a clear yes.  Requests
  accepted across turns: "Can you send me X?" - "Will do" / "Sure, by Thursday" -> the one who accepts.
- Meetings ("we meet again Tuesday", "let's book ... in the diary", "we'll do the workshop on the 9th") -> the
  rep, due on the meeting date; an invite names the meeting date in its text.
- Due dates: in the clause (a "by ..." deadline first; the later of "today or tomorrow"; the last one after
  "actually"), in a short next sentence ("By next Tuesday."), in "I'll do that by Friday", in a reply turn
  ("When?" - "Tuesday."), in "Actually, make that Thursday", "the same day" after a date, a bare "the fifth"
  after "August fifth"; a holiday said on the call moves a date off it.
- Tentative: hedged or conditional ("maybe", "pencil in", "if she wants", "no promises", "I'll try",
  "placeholder"), or retracted ("no, actually, let me not promise that").
- Skipped: questions (except "you'll send ..., by when?" and "..., if that's OK?"), negations, past tense,
  conditions ("if you send it"), hypotheticals, small talk ("I'll be honest", "I'll walk you through it now"),
  CRM housekeeping ("I'll update the close date") and injection sentences (removed with the context).
- The same action said again (a recap, "I'll do that by Friday", "put it in the offer", "on Tuesday too") is one
  step: evidence merged, the latest date said kept, the fuller or recap wording kept.  Personal data
  (phones, emails, addresses - also an address read back in a form the detector misses) never enters a step's
  text or evidence; a promise said next to a phone number is quoted without it.
- More general forms: "You'll have X Thursday week" / "it'll go out Friday" / a recap "X goes out Friday" (the
  speaker delivers); "I'll think it over and send X" (the action after "and"); requests without "can you"
  ("can we get X?", "X, when can we expect it?", "who's sending X?"); a day agreed right after a promise ("and
  timing?" - "say Tuesday"; "Monday would be ideal" - "Monday it is"); a date-only sentence just before a promise
  ("Yes, Friday the 19th. I'll send ..."); "it" after "I need to raise the PO"; "I'll ask" after "I could ask X";
  a recap line naming a colleague not on the call ("Priya imports the users Monday") or only a meeting and its
  date ("Kickoff on Tuesday the 24th"); a recap running on over split caption turns.  A meeting a vendor
  colleague proposes is theirs, moved by "actually, no ... let's make it <date>".
- Not steps: the call's own agenda ("cover pricing later in the call", "introduce myself", "be right back"), the
  speaker's diary ("I'm presenting at the summit on Thursday"), signing/approving (close date, not a step), noting
  a value in the record ("I'll put that down as the target date"), life outside the deal ("bring the kids to the
  zoo", "bring cake", "get a new webcam"), what the product does ("you'll get a notification"), conversation
  ("I'll give you an example").
- Parts of another step: "we'll build the plan at the kickoff" (that meeting), "I'll book a room" right after a
  meeting is agreed, an undated "I'll add/include X" near the same owner's deliverable, "Sure, with the proposal".
- Also: "she'll/he'll <deliver>" right after naming one person in the same turn is that person's; a colon-led
  wrap-up ("So: ...", "I've got: ...") is a recap; "recap email" is a deliverable, not a recap cue; a day ruled out
  ("Not this week") is no due date; a past aside after a promise ("..., I've got the figures already") does not
  void it; "send the invite for the 17th" is undated unless a send day is said (the meeting date goes in its text);
  a recap in clipped words ("spec") joins the step it restates; a meeting's spoken time is written "10:00"/"2pm".
- Not steps either: an offer waiting on the listener ("just tell me and we'll set something up"), an undated
  "X as part of the rollout/implementation" (scope), the customer's own calendar ("we open the new store in May").
- "it" is the other side's request ("I can do that" -> the request's wording), else the speaker's own recent offer
  ("I can build the sandbox ..." ... "I'll have it ready Monday"); a same-turn progress remark ("I've got it half
  done") is skipped; a stated need ("what I really need is the list of ...") is a request.
- A bare "I'll send the invite" after a meeting was agreed is that meeting: named from the turns before (with its
  spoken time), "(send invite)", due on the meeting day (the agreed day before it, not a date said after); an
  earlier "let's book a <meeting>" by the same owner is that meeting. "Yes, I can do that" to "could we do thirty
  minutes ...?" is the meeting, not a task. "I'll take it to the board" is due when the call says the board sits.
- A promise answering a request names the thing as asked ("send me a formal proposal at ..."); "Give me until
  Monday." dates the promise before it; "hang on ... let's say Tuesday then" re-dates it. Call logistics ("we'll
  share the one mic", "share my screen") and "if you need X, send me Y and I'll Z" (waits on the listener) are not
  steps.
- Confidence: a firm, explicit, dated promise is high (0.90-0.95); no date, an inferred owner ("we"), an offer
  taken up or a short yes to a request lower it; a hedged step is at most 0.60 and marked tentative.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from followup.drafting.context import CallContext, Unit, contact_spans, evidence, has_contact_details
from followup.drafting.clock import spoken_time, times_written
from followup.drafting.dates import find_date_spans, holidays_mentioned, shift_for_holidays
from followup.drafting.names import crm_name_for
from followup.drafting.model import ExtractedStep

# Action verbs a next step starts with (base form).  Two-word verbs are matched on their first word.
VERBS = {
    "send", "share", "ship", "forward", "email", "mail", "post", "get", "give", "provide", "prepare", "draft",
    "write", "put", "add", "include", "set", "schedule", "book", "arrange", "organise", "organize", "confirm",
    "check", "double-check", "verify", "ask", "find", "look", "review", "return", "turn", "countersign",
    "circulate", "update", "revise", "loop", "introduce", "connect", "follow", "reach", "call", "ring", "come",
    "touch", "talk", "speak", "brief", "walk", "run", "test", "bench", "cancel", "extend", "invite",
    "let", "answer", "reply", "respond", "chase", "pull", "compile", "cover", "present", "clarify", "flag",
    "submit", "take", "hand", "deliver", "make", "reflect", "escalate", "raise", "file", "arrange",
    "finalise", "finalize", "complete", "finish", "sort", "attach", "reserve", "issue", "resend", "reschedule",
    "move", "push", "recap", "summarise", "summarize", "document", "record", "meet", "catch", "discuss",
    "install", "deploy", "delete", "remove", "wipe", "erase", "configure", "enable", "open", "start", "kick", "align", "sync", "line",
    "nudge", "remind", "request", "obtain", "source", "order", "bring", "copy", "cc", "have", "do", "go", "work",
    "courier", "dispatch", "introduce", "hold", "draw", "map", "price", "quote", "scope", "join", "attend",
    "circle", "shoot", "drop", "ping", "fire", "pass", "chase", "coordinate", "organise", "set", "revert",
    "pop", "whip", "knock", "throw", "hook", "action", "block", "grab", "dig", "get", "email",
    "double", "triple", "dig", "investigate", "find", "try", "see", "think", "keep", "leave", "hold", "believe",
    # work verbs of delivery and setup ("Fatima creates the service account", "Jordi exports the usage data")
    "create", "export", "build", "generate", "produce", "provision", "grant", "upload", "install", "migrate",
    "load", "import", "collect", "gather", "plan", "host", "lead", "nominate", "assign",
    "handle", "deal", "rework", "redo", "amend", "adjust", "tweak", "redraft", "recalculate", "modify", "refresh",
}
# Verbs that hand something over: enough on their own for someone not on the call or a "happy to".
DELIVERABLE = {"send", "share", "ship", "forward", "email", "mail", "post", "provide", "prepare", "draft", "return",
               "deliver", "circulate", "submit", "courier", "dispatch", "resend", "set", "book", "schedule", "arrange",
               "create", "export", "provision", "grant", "upload", "generate", "produce", "build",
               "organise", "organize", "introduce", "connect", "loop", "get", "put", "write", "confirm", "issue"}
# Verbs that only make a step with the right complement.
NEEDS = {
    "ask": re.compile(r"^ask\b(?!\s+(?:(?:a|so|too|very|many|lots of|a lot of|some|a few|the odd|all the|plenty of)\s+)*(?:questions?|stupid|silly|dumb)\b)", re.I),
    "check": re.compile(r"^check\b(?!\s+(?:my|our) (?:calendar|diary|schedule|notes|inbox|email|emails|availability)\b)", re.I),
    "make": re.compile(r"^make sure\b", re.I),
    "have": re.compile(r"^have\b.*\b(?:to you|over|ready|done|with you|back|for you|sent|tested|signed|finished|"
                       r"completed|reviewed|in your inbox|across)\b|^have (?:the|it|that|this|them|those|our|my|a|an)\b.*"
                       r"\b(?:by|tomorrow|tonight|before (?=(?:the )?(?:\d|end\b|next\b|tomorrow\b|close\b|eod\b|cob\b|mon|tue|wed|thu|fri|sat|sun|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)))|^have (?:our |the |my |your )?\w+(?: team)? "
                       r"(?:look|review|check|send|go through|sign off)\b", re.I),
    "do": re.compile(r"^do (?:it|that|this|so|the same)\b|^do (?:the|a|an) (?:[\w-]+ ){0,2}(?:survey|review|walk|visit|"
                     r"workshop|demo|test|assessment|audit|check|call|session|kickoff|kick-off|training|install|setup|set-up|export|migration|"
                     r"installation|pilot|walkthrough|handover|intro|introduction|site visit)s?\b", re.I),
    "update": re.compile(r"^update (?!it\b|that\b|this\b|(?:the|my|our) (?:close )?(?:date|forecast|system|crm|notes?|plan|"
                         r"records?|pipeline|opportunity|stage|amount|salesforce|deal|dates|timeline)\b)", re.I),
    "go": re.compile(r"^go (?:back|through|over|ahead)\b", re.I),
    "work": re.compile(r"^work (?:on|through|up)\b", re.I),
    "take": re.compile(r"^take (?:it|this|that|the|them)\b.*\b(?:to|with|through|back)\b|^take care of (?!(?:you|him|her|me|us|yourself|myself)\b)", re.I),
    "handle": re.compile(r"^handle (?:the|it|that|this|our|your|them|all)\b", re.I),
    "deal": re.compile(r"^deal with (?:the|it|that|this|our|your|them|all)\b", re.I),
    "come": re.compile(r"^come back\b(?!\s+(?:on|from|after|in|at|next|tomorrow|monday|tuesday|wednesday|thursday|friday|the)\b)|^come back (?:on|in|after|next)\b.*\b(?:to (?:you|us|me|him|her)|with)\b", re.I),
    "get": re.compile(r"^(?i:get) (?:(?i:back|in touch|you|it|that|this|those|these|them|the|a|an|our|your|him|her|us|me|both|"
                      r"all|everything|some|copies|a copy|details|something|one|two|three|four|five|six|seven|eight|nine|ten|"
                      r"twelve|fifteen|twenty|thirty|forty|fifty|hundred|several|a few)\b|[A-Z0-9])"),
    "set": re.compile(r"^set (?:\w+ )?up\b|^set (?:a |the )", re.I),
    "catch": re.compile(r"^catch up\b", re.I),
    "line": re.compile(r"^line up\b", re.I),
    "kick": re.compile(r"^kick off\b", re.I),
    "try": re.compile(r"^try (?:to|and)\b", re.I),
    "see": re.compile(r"^see (?:if|whether|what)\b", re.I),
    "find": re.compile(r"^find (?:out|a time|time)\b", re.I),
    "look": re.compile(r"^look (?:into|at|for|after)\b", re.I),
    "reach": re.compile(r"^reach (?:back )?out\b", re.I),
    "pop": re.compile(r"^pop (?:it|that|this|them|the|a|an|over|across|in)\b", re.I),
    "whip": re.compile(r"^whip (?:up|together)\b", re.I),
    "knock": re.compile(r"^knock (?:up|together|out)\b|^knock (?:\w+ ){1,3}(?:up|together)\b", re.I),
    "throw": re.compile(r"^throw (?:together|over)\b|^throw (?:\w+ ){1,3}together\b", re.I),
    "hook": re.compile(r"^hook (?:\w+ )?up\b", re.I),
    "action": re.compile(r"^action (?:it|that|this|the|those|them)\b", re.I),
    "block": re.compile(r"^block (?:out )?(?:some |the )?(?:time|a slot|an hour|\d+|thirty|fifteen|half)", re.I),
    "grab": re.compile(r"^grab (?:some )?(?:time|a slot|\w+ minutes|half an hour|an hour)\b", re.I),
    "touch": re.compile(r"^touch base\b", re.I),
    "turn": re.compile(r"^turn (?:\w+ ){0,3}(?:around|round)\b|^turn (?:it|them|that) around\b", re.I),
    "let": re.compile(r"^let (?:you|them|him|her|us|me|\w+) (?:\w+ )?know\b", re.I),
    "give": re.compile(r"^give (?!(?:you|them|him|her|everyone) (?:some|it|a bit|some time|time) back\b|"
                       r"(?:you|them|him|her|everyone|us) (?:an?|one|some|another) (?:quick |concrete |real |little )?(?:example|idea|sense|"
                       r"flavou?r|feel|taste|minute|moment|second|bit of (?:background|context))\b)", re.I),
    "hand": re.compile(r"^hand (?:it|this|that|the|them|those|\w+ \w+ over)\b", re.I),
    "move": re.compile(r"^move (?:the |our )?(?:meeting|call|demo|session|invite)\b", re.I),
    "push": re.compile(r"^push (?:the |our )?(?:meeting|call|demo|session|invite)\b", re.I),
    "open": re.compile(r"^open (?:a |an |the )?(?:ticket|account|case)\b", re.I),
    "start": re.compile(r"^start (?:the|a|on)\b", re.I),
    "walk": re.compile(r"^walk (?:\w+ )?through\b", re.I),
    "pull": re.compile(r"^pull (?:[\w-]+ ){0,3}(?:together|up)\b|^pull (?:[\w-]+ ){1,3}out\b(?! of (?:the|this) (?:deal|process|project|evaluation)\b)", re.I),
    "put": re.compile(r"^put (?!(?:it|that|this|them|those) down\b|down\b|numbers?\b|a number\b|it (?:this|that|another) way|it like)", re.I),
    "show": re.compile(r"^show (?:you|them|him|her)\b(?!.*\bscreen\b)", re.I),
    "share": re.compile(r"^share (?!(?:my|the|a|your|one|this|that) (?:[\w-]+ )?(?:screen|mic|microphone|laptop|camera|line|headset)"
                        r"|my thoughts|a bit)", re.I),
    "double": re.compile(r"^double[- ]check\b", re.I),
    "triple": re.compile(r"^triple[- ]check\b", re.I),
    "dig": re.compile(r"^dig (?:(?:it|that|this|them|those) )?(?:into|out|up)\b", re.I),
    "call": re.compile(r"^call (?!it\b|this\b|notes?\b|summary\b|recap\b|minutes\b)", re.I),
    "hold": re.compile(r"^hold (?:the|a|some) (?:date|slot|time)", re.I),
    "talk": re.compile(r"^talk (?:to|with|through) (?!(?:you|everyone|you all) (?:soon|later|then|all)\b|you soon)", re.I),
    "circle": re.compile(r"^circle back\b", re.I),
    "shoot": re.compile(r"^shoot (?:you|them|him|her|over|across|an?)\b", re.I),
    "drop": re.compile(r"^drop (?:you|them|him|her) (?:a|an)\b", re.I),
    "fire": re.compile(r"^fire (?:off|over|across)\b", re.I),
    "pass": re.compile(r"^pass (?:it|this|that|the|them|your|on|along)\b", re.I),
    "join": re.compile(r"^join (?:the|us|you|a|our|that|this)\b", re.I),
    "attend": re.compile(r"^attend (?:the|a|our|your)\b", re.I),
    "speak": re.compile(r"^speak (?:to|with) (?!(?:you|everyone) (?:soon|later|then)\b)", re.I),
    "run": re.compile(r"^run (?:it|this|that|the|a|an|them)\b.*\b(?:by|past|through|with)\b|"
                     r"^run (?:the|a|an|our|your) (?:[\w-]+ ){0,3}(?:setup|set-up|pilot|poc|test|tests|workshop|session|"
                     r"kickoff|kick-off|demo|migration|training|export|report|analysis|benchmark|trial|install|"
                     r"installation|onboarding|assessment|audit|review|scan|sandbox|load test|dry run|rollout)s?\b", re.I),
    "raise": re.compile(r"^raise (?:it|this|that|the|a)\b.*\bwith\b|^raise (?:the|a|an|our) (?:[\w-]+ ){0,2}"
                        r"(?:po|purchase order|order|requisition|request|ticket|invoice|case|change request)\b", re.I),
    "lead": re.compile(r"^lead (?:the|a|an) (?:[\w-]+ ){0,2}(?:session|workshop|kickoff|kick-off|call|review|training|demo)\b", re.I),
    "host": re.compile(r"^host (?:the|a|an|us)\b", re.I),
    "plan": re.compile(r"^plan (?:the|a|an) (?:[\w-]+ ){0,2}(?:session|workshop|kickoff|kick-off|call|meeting|review|"
                       r"training|demo|rollout)\b", re.I),
    # someone or something for the deal ("bring him", "bring Jo along", "bring the signed copy"), not "bring cake"
    "bring": re.compile(r"^(?i:bring) (?:(?i:(?:[\w'’-]+ ){0,3}(?:along|in|over|back|with|to)\b|(?:the|a|an|our|your|my|his|her|"
                        r"their|him|us|it|that|this|them|those|some|copies|a copy|printed|signed)\b)|[A-Z])"),
    "load": re.compile(r"^load (?:the|your|our) (?:[\w-]+ ){0,2}data\b", re.I),
}
# small talk about life outside the deal: never the object of a step
PERSONAL = re.compile(r"\b(?:(?:the|my|our|his|her) (?:kids|children|wife|husband|partner|son|daughter|family|dog|mum|mom|dad|"
                      r"parents)|the zoo|barbecue|birthday|wedding|pretzels?|cakes?|cookies|snacks|doughnuts|donuts|beers?|"
                      r"pints?|a drink|drinks|the pub|(?:a |my )?(?:new|better|proper) (?:webcam|camera|headset|mic|microphone|laptop|"
                      r"wifi|wi-fi|internet connection))\b", re.I)
# booking the room for a meeting just agreed
ROOM = re.compile(r"(?:book|reserve|grab|get)\s+(?:a|the|us a|our)\s+(?:[\w-]+\s+){0,2}(?:room|meeting room|boardroom|venue)\b", re.I)
# Never a step on their own ("I'll hold you to that", "I'll believe it when I see it", "let me think").
NEVER = {"keep", "leave", "believe", "think", "see", "try", "summarise", "summarize", "recap"}

NAME = r"[A-ZÀ-Ý][a-zà-öø-ÿ]+(?:['’-][A-Za-zÀ-Ýà-öø-ÿ]{2,})*"
COMMIT = re.compile(
    rf"(?P<subj>\b(?:I|we|We|you|You)\b|\b(?:[Oo]ur|[Mm]y) (?:[a-z]+ ){{0,2}}(?:team|department|people|colleagues?|lawyers?|"
    rf"counsel|folks|office|group|desk|assistant|EA|PA|manager|boss|engineer|architect|specialist|rep|procurement|legal|finance|IT|HR|ops|operations|security)(?=\s*(?:['’]ll|will|are going to|is going to)\b)|\b(?:[Ss]he|[Hh]e)(?=\s*(?:['’]ll|will)\s)|\b{NAME}(?:\s+{NAME})?(?:\s+and\s+{NAME})?)"
    r"(?P<modal>(?:\s*['’]d|\s+would|\s*['’]m|\s+am|\s*['’]re|\s+are)\s+(?:be\s+)?(?:happy|glad|delighted|more than happy)\s+to|"
    r"\s+(?:need|have)\s+to(?=\s+(?:check|confirm|verify|run it by|clear it with)\b|\s+ask\s+(?:our|my|the|him|her|them|[A-Z]))|\s*['’]ll|\s+will|\s+shall|(?:\s+(?:am|are|is)|\s*['’](?:m|re|s))\s+(?:going\s+to|gonna)|"
    r"\s+can|\s+could|\s*['’]d|\s+would|\s+should\s+be\s+able\s+to|\s+(?:plan|promise|undertake)s?\s+to|"
    r"(?:\s+(?:am|are|is)|\s*['’](?:m|re|s))(?=\s+(?:also\s+|just\s+|then\s+)?[a-z]+ing\b)|\s+to(?=\s+[a-z]))?"
    r"(?P<adv>(?:\s+(?:also|just|then|definitely|still|quickly|probably|happily|gladly|both|all|personally|"
    r"first|now|actually|certainly|absolutely|of course|right away|immediately|now|too|go ahead and|go and|try to|"
    r"try and|make sure to|be sure to|look to|aim to|do my best to|do our best to|hopefully|probably|bench|load|smoke|be(?=\s+[a-z]+ing\b))){0,3})"
    r"\s+(?!(?:we|you|he|she|they|it|i|and|or|but|so|then)\b)(?P<verb>[a-z]+(?:-[a-z]+)?)\b")
LET_ME = re.compile(r"\b(?:let me|let us|allow me to)\s+(?P<verb>[a-z]+(?:-[a-z]+)?)\b|"
                    r"^(?:(?:sure|yes|yeah|absolutely|of course)[,.!]?\s+)?(?:more than |very )?(?:happy|glad) to\s+(?P<verb2>[a-z]+)\b", re.I)
# "It'll be with you by Friday", "expect it in your inbox on Monday": the speaker delivers
WITH_YOU = re.compile(r"(?:^|,\s*)(?:and |so |then )?(?:(?P<obj>it|that|this|they|those|the [\w-]+(?: [\w-]+)?)(?:(?:['’]ll| will) be "
                      r"(?:with you|in your inbox|over to you|on (?:its|their) way|sent(?: out| over)?|posted|shipped|in the post|"
                      r"(?P<done>raised|issued|provisioned|submitted|returned|uploaded|shared|set up|completed|finished))|"
                      r"(?:['’]ll| will) (?:go|ship) (?:out|over)\b)|(?:you can |you should |you['’]ll )?"
                      r"expect (?P<obj2>it|that|this|them|(?:the|an?) [\w-]+(?: [\w-]+)?)\b)", re.I)
PARTICIPLE = {"raised": "raise", "issued": "issue", "provisioned": "provision", "submitted": "submit",
              "returned": "return", "uploaded": "upload", "shared": "share", "set up": "set up", "completed": "complete",
              "finished": "finish"}
GOES_OUT = re.compile(r"(?:and |then )?(?P<obj>(?:the |our |your )?[\w-]+(?: [\w-]+)?) (?:goes|go|ships|is sent|gets sent) "
                      r"(?:out|over)\b", re.I)
# "Give me until Friday to review the MSA": the speaker's step, due that day
GIVE_ME = re.compile(r"\bgive (?:me|us) (?:until|till|to|a few days,? until|the weekend,? until)\s+(?P<when>[^,.;]+?)\s+to\s+"
                     r"(?P<verb>[a-z]+)\b", re.I)
LETS_MEET = re.compile(r"\b(?:let['’]s|let us|shall we|we should|we['’]ll|we will|we can)\s+(?:also\s+)?"
                       r"(?P<verb>meet|book|schedule|pencil|put|set up|catch up|reconvene|regroup|talk|speak|reconnect|"
                       r"sync|touch base|get together|do|lock in|hold|plan|make it|say|get (?:a|the|something|some time)|have)\b", re.I)
# a recap line that is only a meeting and its date: "Kickoff on Tuesday the 24th at ten in Limerick"
RECAP_MEETING = re.compile(r"^(?:and |then |a |the |our |your )?(?:[\w-]+ ){0,2}(?:kickoff|kick-off|workshop|meeting|demo|"
                           r"session|check-in|catch-up|walkthrough|training|site visit|onboarding call|review call|"
                           r"follow-up call)\b(?!\s+(?:was|went|were|has|had|would|can)\b)"
                           r"(?!\s+(?:is|will be)\b(?!\s+(?:(?:on|now|then|moved to|set for)\s+)?(?:monday|tuesday|wednesday|thursday|friday|the\s+\w+|\d)))", re.I)
# the rep bringing a colleague: "I've brought Sunita along", "my colleague Ravi", "our solutions engineer, Mateus"
COLLEAGUE_CUE = re.compile(r"\b(?:I['’]ve brought|I have brought|brought along|my colleague|our colleague|"
                           r"with me (?:today|is|from)|from our (?:side|team)|on our side|our (?:[\w-]+ ){0,2}"
                           r"(?:engineer|architect|manager|specialist|lead|consultant|counsel|team)|"
                           r"she['’]ll be your|he['’]ll be your|they['’]ll be your)\b", re.I)
COLLEAGUE_ROLE = re.compile(r"\b(?:(?:our|my) (?:[\w-]+ ){0,2}(?:engineer|architect|manager|specialist|lead|consultant|counsel|"
                            r"colleague|SE|CSM|AM)|(?:she|he|they)['’]ll be your)\b", re.I)
MEET_AGAIN = re.compile(r"\b(?:we|We)(?:['’]ll| will)?\s+(?:meet|talk|speak|reconvene|regroup|reconnect|sync|catch up|check in|"
                        r"touch base)\b(?:\s+again)?|\b(?:we|We)(?:['’]ll| will|(?= do\b))\s+(?:(?:do|have|hold|run) (?:the|a|our) (?:[\w-]+ ){0,2}(?:workshop|meeting|call|session|demo|"
                        r"review|kickoff|kick-off|check-in|catch-up|deep dive|walkthrough|training))\b(?:\s+again)?")
MEETING_WORDS = re.compile(r"\b(?:meet|meeting|call|session|kickoff|kick-off|catch[- ]up|check[- ]in|demo|workshop|diary|calendar|follow[- ]up|"
                           r"invite|slot|deep dive|review|walkthrough|sync|touch base|reconvene|regroup)\b", re.I)
MEET_NOUN = re.compile(r"\b(?:(?:a|an|the|our|your)\s+)?(?:(?!(?:to|is|are|was|be|the|a|an|of|for|on|in|at|it|that|this|thing|and|so|we|you|I|"
                       r"do|have|has|had|next|first|about|with|my|our|your)\b)[\w-]+\s+){0,2}?(?<!\bto )(?:call|kickoff|kick-off|meeting|review|workshop|walkthrough|"
                       r"walk-through|demo|debrief|check-in|deep dive|session)\b(?:\s+(?:with|on|for|to) [^,.;?!]{3,60})?", re.I)
INVITE = re.compile(r"\b(?:invite|invitation|calendar|diary|meeting request|teams link|zoom link)\b", re.I)
WALK_THROUGH = re.compile(r"\b(?:walk|talk|take|go) (?:(?:you|them|us|him|her|everyone)(?: both| all)? )?through (?:the |our |your |their )?"
                          r"(?P<x>(?:revised |new |final |draft )?(?:proposal|quote|offer|order form|form|contract|plan|pricing|design|architecture|results|findings|roadmap|demo|report|business case)|it|them)\b", re.I)

YOU_HAVE = re.compile(r"(?:you|You)(?:['’]ll| will)\s+(?:\w+\s+)?(?:have|get|receive)$")
QUESTION_END = re.compile(r"\?\s*$")
WHEN_Q = re.compile(r"\b(?:by when|when|what date|which day|how soon|how long)\b", re.I)
TIMING_Q = re.compile(r"\b(?:by when|when|what date|which day|how soon|how long|timing|timeline|time ?frame|timescales?|ETA)\b", re.I)
# the other side naming the day they want: "Monday would be ideal", "Friday at the latest, if possible"
PROPOSE = re.compile(r"\b(?:would be (?:ideal|great|good|perfect|best|helpful)|would work|ideally|if possible|if you can|"
                     r"preferably|at the latest|works (?:for|best for) (?:us|me))\b", re.I)
PAST = re.compile(r"\b(?:already|last (?:week|month|time|year)|yesterday|earlier today|ago)\b", re.I)
TENTATIVE = re.compile(
    r"\b(?:maybe|might|perhaps|possibly|pencil(?:led|ed)?|no promises|can['’]?t promise|cannot promise|not promising|"
    r"try to|I['’]ll try|we['’]ll try|try and|hopefully|tentative(?:ly)?|if (?:he|she|they|you|it)(?: \w+)? "
    r"(?:agree|want|like|prefer|approve|say|decide|need|wish|ha(?:s|ve) time|get a chance)s?|if (?:I|we) (?:can|find|get|have)|"
    r"if possible|if there['’]s time|when I get a chance|at some point|no guarantees?|can['’]?t guarantee|"
    r"not sure|probably|in principle|I['’]ll see what I can do|see if|see whether|depending on|assuming (?:he|she|they)|"
    r"placeholder|provisional(?:ly)?|loosely|no commitment|if (?:that|it) works|should be able to|if (?:needed|necessary|required|need be)|if (?:it|that|anything|something|the issue|the question) (?:comes up|changes|happens)|"
    r"(?:when|once|if and when|as soon as) (?:I|we) (?:know|hear|have|get) (?:more|something|anything|news|back)|"
    r"when the time (?:comes|is right)|(?:once|when) things (?:settle|calm down)|whenever|no rush|"
    r"(?:once|when|if) the (?:[\w-]+ )?freeze (?:is )?(?:lifted|lifts|is over|ends)|all being well|fingers crossed|"
    r"(?:do|try) (?:my|our) best|for now|if (?:the )?(?:budget|time|resources?|capacity) (?:allows?|permits?)|"
    r"subject to|pending (?:\w+ )?(?:approval|sign-off|signoff|confirmation|review)|all going well|touch wood|with any luck)\b",
    re.I)
TURN_HEDGE = re.compile(r"\b(?:no promises|can['’]?t promise|cannot promise|no guarantees?|can['’]?t guarantee|"
                        r"I['’]ll see what I can do|pencil)\b", re.I)
# cheap substring test before HYPO/PAST: every match of either contains one of these
HYPO_PAST_HINTS = ("hypothetical", "imagine", "in theory", "for example", "say we", "suppose", "if we were", " have",
                   "already", "last ", "yesterday", "earlier today", " ago")
HYPO = re.compile(r"\b(?:hypothetical(?:ly)?|imagine|in theory|for example|let['’]s say we|suppose|if we were|"
                  r"would have|could have|should have)\b", re.I)
# Where the step's wording stops: a subordinate clause adds reasons, not the action.
CUT = re.compile(r"(?:,\s+(?:that['’]s|that is|it['’]s|which is|this is|I can['’]?t promise|no promises|by when|I['’]ve got|I['’]ve already|we['’]ve got|we['’]ve already)\b|,?\s+(?:because|since|so that|so you|so we|so she|so he|so they|so it|which|assuming|just in case|"
                 r"in case|as long as|unless|if|once|when|while|but|though|although|otherwise)\b|,\s+so\b|\s+[-–—]\s+|;)",
                 re.I)
SUBORDINATE = re.compile(r"(?:,\s+|\s+)(?:so (?:that |you |we |she |he |they |it )|because |since |which |just in case )",
                         re.I)
DEADLINE = re.compile(r"\b(?:by|before|until|till|no later than|latest|at the latest|due)\s*$", re.I)
CORRECTION = re.compile(r"\b(?:actually|sorry|I mean|rather|instead|make that|no,|no wait|wait|correction|"
                        r"not the|scratch that|hang on|hold on)\b", re.I)
AFFIRM = re.compile(r"^\s*(?:sure|yes|yeah|yep|yup|of course|absolutely|certainly|definitely|no problem|no worries|"
                    r"happy to|can do|will do|ok(?:ay)?|fine|perfect|great|good|correct|that works|works for me|deal|"
                    r"consider it done|on it|I can|I will|I['’]ll|that['’]s me|that['’]ll be me|that would be me|right(?=[.!]?\s*$)|"
                    r"that['’]s right|yes I will)\b", re.I)
ACCEPT_ONLY = re.compile(r"^\s*(?:(?:sure|yes|yeah|yep|ok(?:ay)?|of course|absolutely|no problem)[,.!]?\s*)?"
                         r"(?:will do|can do|consider it done|I['’]m on it|on it|leave it with me|that['’]s me|that['’]ll be me|"
                         r"I(?:['’]ll| will| can) do "
                         r"(?:that|it|this|so))\b", re.I)
REFUSE = re.compile(r"^\s*(?:no\b(?![\s,]+(?:problem|worries|rush|doubt|question)\b)|nope|not (?:yet|now|right now|at the moment|needed|necessary)|maybe later|"
                    r"later|don['’]t|please don['’]t|no need|not for now|let['’]s not|that['’]s not necessary|"
                    r"I['’]d rather not|possibly|hold off)", re.I)
# a question that asks someone to confirm they will do something: "you'll send the logs by Friday, right?"
YOU_WILL_Q = re.compile(r"(?:^|,\s*|\band\s+)you(?:['’]ll| will)\s+(?:also\s+|still\s+)?(?P<verb>[a-z]+(?:-[a-z]+)?)\b", re.I)
ASK_GET = re.compile(r"\b(?:can|could) (?:we|I) (?:please |also |just )?(?:get|have|see|receive)\b(?=\s+(?:the|a|an|your|some|those|these)\b)", re.I)
ASK_WHEN = re.compile(r"\bwhen (?:can|could|will|should|do|might) (?:we|I) (?:expect|get|have|see|receive)\b", re.I)
ASK_WHO = re.compile(r"\bwho(?:['’]s| is| will be| will| can|['’]ll)\s+(?:going to\s+|gonna\s+)?(?P<verb>[a-z]+)\b", re.I)
REQUEST = re.compile(r"\b(?:can|could|would|will) (?:you|someone|somebody|anyone|one of you)(?: on your side| from your side| from your team)?(?: please| also| just)?(?: be able to)?\s+(?P<verb>[a-z]+(?:-[a-z]+)?)\b"
                     r"|\bplease(?: also| just)?\s+(?P<verb2>[a-z]+(?:-[a-z]+)?)\b"
                     r"|\b(?:I['’]d|we['’]d) (?:need|like|want) you to\s+(?P<verb3>[a-z]+(?:-[a-z]+)?)\b"
                     r"|\bif you (?:can|could)\s+(?P<verb4>[a-z]+(?:-[a-z]+)?)\b", re.I)
BODY_STEP = re.compile(r"\b(?:take|bring|put|present|table|submit)\b[^.;]{0,40}?\b(?:to|in front of|before) (?:the|our) "
                       r"(?P<body>board|committee|steering committee|steerco|investment committee|exec(?:utive)? committee)\b", re.I)
# "Chiara, what I really need is the list of ...": a request by stating the need
NEED_ASK = re.compile(r"\b(?:what )?(?:I|we) (?:really |still |also |first )?need (?:from you )?(?:is )?(?:the|a|your)\b", re.I)
PRONOUN_OBJ = re.compile(r"^\w+(?:[- ](?:up|out|over|back|through|around|off|with|to|about))?\s+(?:(?:you |him |her |them |us |me )?"
                         r"(?:it|that|this|them|those|these|one|so|both|all of them|both of them)\b|(?:him|her|them)\b(?!\s+(?:the|a|an|our|my|your)\b))", re.I)
FILLER = {"good", "know", "great", "thanks", "thank", "sure", "okay", "ok", "perfect", "fine", "right", "well", "fair",
          "enough", "got", "noted", "understood", "absolutely", "course", "yes", "yeah", "lovely", "brilliant", "think",
          "guess", "suppose", "honestly", "actually", "happy", "glad", "delighted", "more", "yep", "yup", "alright",
          "cool", "excellent", "wonderful", "fantastic", "definitely", "certainly", "no", "problem", "worries", "thing",
          "try", "maybe", "perhaps", "probably", "hopefully"}
BARE_ORD = re.compile(r"(?:(?:by|on|until|till|before|for|from|after)\s+)?the\s+\S+", re.I)
MONTH_WORDS = r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b"
RETRACT = re.compile(r"^(?:no|actually|wait|sorry|hmm)\b.*\b(?:not promise|scratch that|forget (?:that|it)|ignore that|"
                     r"let me not|strike that|don['’]t hold me)", re.I)
PARTY_ONLY = re.compile(r"^(?:ask|check with|confirm with|talk to|speak to|speak with|talk with|find out from|run it by)\s+"
                        r"(?:our|my|the|your)?\s*[\w-]+(?:\s+[\w-]+)?(?:\s+(?:team|department|people|colleagues?))?\s*$", re.I)
DELIVER = re.compile(r"^(?:send|share|get|give|prepare|draft|put together|resend|revise|forward|write|provide|email|"
                     r"have)\b", re.I)
NOT_FRAGMENT = re.compile(r"^(?:I|I['’]\w+|we|we['’]\w+|you|you['’]\w+|he|she|they|it|it['’]s|that|that['’]s|this|there|"
                          r"there['’]s|and|but|so|then|if|when|because|can|could|would|will|is|are|do|does|did|let|"
                          r"let['’]s|okay|ok|sure|yes|yeah|no|thanks|thank|great|perfect|good|by|on|what|how|why|who|"
                          r"which|where|just|also|please|honestly|actually|oh|right|well|hopefully|maybe)\b", re.I)
# "Send it", "return them", "have it back to ...", "take it to the board": moving a document the call named before
SENDS_IT = re.compile(r"^((?:send|return|share|forward|circulate|have|get|take|present|bring)(?: (?:over|back|across|out))?)\s+(?:it|them|that|those)\b"
                      r"(?!\s+(?:done|sorted|signed|approved|ready|reviewed|checked|fixed|finished)\b)", re.I)
# The things a call's follow-ups are about, for resolving "send it" / "return them" to what was named before.
THING = re.compile(
    r"\b(?:the|our|your|their|this|that|a|an)\s+(?!(?:existing|current|old|signed|last|previous)\b)(?P<np>(?:(?!(?:the|a|an|and|or|to|of|for|it|that|is|was|will|by|on|with)\b)[\w-]+\s+){0,3}?"
    r"(?:proposal|quote|quotation|order form|contract|agreement|MSA|DPA|NDA|SOW|questionnaire|spreadsheet|list|deck|report|"
    r"spec|specification|plan|redlines|comments|PO|purchase order|invoice|pack|package|document|summary|statement|schedule|"
    r"diagram|binder|certificate|export|case study|roadmap|application|supplemental|results|slides|sheet|offer|figures|numbers)s?)\b",
    re.I)
REVISED_WITH = re.compile(r"\b(?:with|in|alongside) the (revised|updated|new|final|amended) (\w+)", re.I)
FUTURE = re.compile(r"\b(?:I|we|you|he|she|they)\s*(?:['’]ll|will|can|am|are|['’]m|['’]re)\b", re.I)
RECORRECT = re.compile(r"^(?:actually|sorry|correction|no,? wait|wait|scratch that|oh)[,.!]?\s+(?:no,?\s+)?"
                       r"(?:make (?:that|it)|let['’]s (?:say|make it)|I mean|rather|not \w+,?)\b|"
                       r"^(?:no[,.!]?\s+)?I said\b(?=[^.?!]*\b(?:monday|tuesday|wednesday|thursday|friday|the \w+|\d))", re.I)
NEED_TO = re.compile(r"\b(?:I|we)\s+(?:need|have|want|['’]ve got|got)\s+to\s+(?P<verb>[a-z]+)\b(?=\s+(?:the|a|an|our|your|my|some|all)\b)", re.I)
IN_CALL = re.compile(r"\b(?:in a (?:minute|moment|second|sec|bit)|in just a (?:minute|moment|second)|later (?:in|on) (?:the|this|our) "
                     r"(?:call|meeting|session|demo)|(?:on|during|in) (?:this|the) call|before we (?:finish|wrap|end|hang up|close)|"
                     r"at the end of (?:this|the) (?:call|meeting|session)|be right back|while we['’]re (?:talking|on))\b", re.I)
AGENDA = re.compile(r"(?:introduce (?:myself|ourselves|us)|cover (?:that|this|it|pricing|the (?:\w+ )?(?:agenda|slides?|basics|roadmap|"
                    r"demo|questions?))|present (?:our|my|the) (?:\w+ )?(?:architecture|company|team|platform|product|"
                    r"agenda|slides?|roadmap|overview)|answer (?:your|that|this|the) question)\b", re.I)
DATED_LIST = re.compile(r"(?:,\s+(?:and\s+)?|\s+and\s+)(?=(?:the|a|an|our|my|your)\s+[\w-]+(?:\s+[\w-]+){0,3}\s+(?:by|on|before|today|tomorrow|"
                        r"this|next|end of|close of|monday|tuesday|wednesday|thursday|friday)\b)", re.I)
AND_VERB = re.compile(r"[a-z-]+(?:\s+(?!and\b)[\w'’-]+){0,5}?,?\s+and\s+(?:then\s+)?(?P<v>[a-z]+)\b")
BACK_TO_YOU = re.compile(r"\b(?:get|come|circle) back to (?:you|them|him|her|everyone)\b|\blet you know\b|\bfollow up with you\b|"
                         r"\brevert (?:to you|back)\b", re.I)
SOFT_YES = re.compile(r"\b(?:whenever|no rush|at some point|if you (?:like|want|have time)|eventually|one day)\b", re.I)
AFTER_EVENT = re.compile(r"\b(?:the\s+)?(?P<unit>day|week)\s+(?P<side>after|before)\s+(?:the\s+|our\s+|your\s+)?"
                         r"(?P<event>kick-?off|workshop|demo|board(?:\s+meeting)?|committee|site visit|visit|review|session|offsite)\b", re.I)
NOTE_ITEM = re.compile(rf"(^|\n)[-*•]?\s*({NAME}(?:\s+{NAME})?|me|Me):\s+(?:will\s+|to\s+|'ll\s+)?(?=[a-z]+\b)")
QUOTED_PROMISE = re.compile(r'\s*(?:[-–—,;]\s*)?(?:(?:in )?(?:his|her|their) (?:own )?words:?\s*)?"[^"]*\b(?:I|we)(?:[\'’]ll| will)\b[^"]*"')
REPORTED = re.compile(rf"\b(?P<subj>[Hh]e|[Ss]he|{NAME})\s+(?:said|says|told (?:me|us)|promised(?: (?:me|us))?|mentioned|confirmed)\s+"
                      r"(?:that\s+)?(?:he|she)\s*(?:['’]d|would|['’]ll|will)\s+(?:be able to\s+)?(?=[a-z])")
REPORTED_GATE = re.compile(r"\b(?:said|says|told|promised|mentioned|confirmed)\s")
LOWER_I = re.compile(r"(?<![\w'’])i(?=['’](?:ll|m|d|ve)\b|\s+(?:will|can|am|have|need|would|could|should|think|send|do)\b)")
# a sentence opened with "Okay, so ..." or "Sure, ...": discourse words, not "so that" or "not sure"
DISCOURSE = re.compile(r"\s*(?:(?:ok(?:ay)?|right|alright|all right|and|well|yes|yeah|yep|great|perfect|good|sure|fine|"
                       r"then|now|cool|lovely|brilliant|excellent|so|absolutely|of course)[,.!]?\s+)+", re.I)
LEAVE_IT = re.compile(r"\bleave (?:it|that|this|them|those) with (?:me|us)\b(?:\s+(?:till|until|to|for|by)\s+(?P<when>[^,.;!?]+))?", re.I)
MEET_Q = re.compile(r"\b(?:shall we|should we|can we|could we|how about|what about|would|does|do we|are we|same time|"
                    r"are you (?:all )?(?:free|around|available))\b", re.I)
MEET_Q_OPENER = re.compile(r"^(?:(?:shall|should|can|could|do|are) we\s+(?:say\s+)?|(?:how|what) about\s+(?:we\s+)?|"
                           r"would\s+|does\s+)", re.I)
NOT_FREE = re.compile(r"\b(?:holiday|nobody (?:is|will be) (?:here|in|around)|(?:we['’]re|we are|the office is|the factory is) closed|"
                      r"I['’]m (?:away|off|out|on leave)|(?:Ascension|Easter|Good Friday|Whit Monday|Labou?r Day|Christmas)\b)", re.I)
DAY_OK = re.compile(r"\s*(?:(?:mon|tues|wednes|thurs|fri)day|the [\w-]+)(?:['’]s| is| would be)? (?:good|fine|great|perfect|ok(?:ay)?|free|clear)\b", re.I)
SAME_TIME = re.compile(r"\b(?:same time|this time) next week\b", re.I)
WE_ASK = re.compile(r"(?:and |so )?(?:can|could|shall|should) we\b", re.I)
IMPERATIVE = re.compile(r"^(?:(?:and|so|also|just|then|oh)[,]?\s+)*(?P<verb>[A-Z][a-z]+)\b(?=\s+(?:me|us|over|across|it|that|the|your|a|an)\b)")
COND_FIRST = re.compile(r"^(?:(?:and|but|so|okay|ok|well)[,]?\s+)?(?:if|assuming|provided|as long as|unless|subject to|pending|"
                        r"depending on)\b[^,]{3,80},", re.I)
POLITE_IF = re.compile(r"^(?:(?:and|but|so|okay|ok|well)[,]?\s+)?if (?:it|that) (?:helps|works|suits|is ok(?:ay)?|['’]s ok(?:ay)?|"
                       r"['’]s useful|is useful)|^(?:(?:and|but|so|okay|ok|well)[,]?\s+)?if you (?:like|want|prefer)\b", re.I)
MAKE_IT = re.compile(r"^(?:so |then )?(?:let['’]s (?:make it|say|do it|go for)|make it|make that)\b", re.I)
LABEL = re.compile(r"(?:(?:call|meeting|my|our|rep|internal)\s+)?(?:notes?|next steps?|action items?|actions?|to-?dos?|"
                   r"summary|follow[- ]ups?|agenda|minutes|recap|outcomes?|decisions?)", re.I)
TITLE = re.compile(r"^(?:Dr|Mr|Mrs|Ms|Miss|Prof|Herr|Frau|Mme|Sir|Dame)\.?\s+", re.I)
NOT_SURNAME = {"and", "or", "the", "a", "an", "i", "we", "you", "is", "was", "will", "can", "from", "on", "in", "at",
               "to", "for", "with", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
               "january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
               "november", "december", "then", "so", "but", "also", "just", "here", "there", "this", "that", "okay",
               "thanks", "sure", "yes", "no", "hi", "hello", "good", "great", "perfect", "finance", "legal", "team",
               "procurement", "it", "they", "he", "she", "our", "my", "your", "their", "if", "when", "as", "since"}
PRECEDER = re.compile(r"\b(?:if|when|whenever|once|unless|whether|until|because|since|as|so|so that|in case|before|sure|"
                      r"after|where|what|how|who|that|than|(?:tell|ask|let) (?:me|us)(?: know)?,? and)\s*$", re.I)
RECAP = re.compile(r"\b(?:recap(?!\s+(?:e-?mails?|mails?|notes?|messages?|docs?|documents?)\b)|summari[sz]e|sum up|to confirm|so to sum|next steps|wrap up|let me make sure|"
                   r"what I have|action items|to-dos?|play (?:it|that|this|those) back|wrapping up|in summary|"
                   r"run through (?:the )?(?:actions|next steps)|(?:the )?actions (?:are|then)|who does what)\b|"
                   r"(?:^|(?<=[.!?] ))(?:(?:right|okay|ok|so)[,.]?\s+)*(?:so|I['’]ve got|I have|we have|we['’]ve got)\s*:", re.I)
STRONG_ACCEPT = re.compile(r"^\s*(?:(?:yes|yeah|oh)[,!]?\s+)?(?:please(?: do)?|yes please|that would be (?:great|helpful|"
                           r"really helpful|useful|very useful|perfect|amazing|good|ideal)|that['’]d be (?:great|helpful|useful|"
                           r"perfect|good)|(?:that )?would help|great,? thanks|perfect,? thanks|thank you,? that)", re.I)
ACCEPTED = re.compile(r"^\s*(?:please|yes|yeah|yep|sure|great|perfect|that would|that['’]d|that works|thanks|thank you|"
                      r"no problem|no worries|cheers|"
                      r"brilliant|lovely|ok(?:ay)?|good|excellent|wonderful|very much|definitely|absolutely|go ahead|do it)\b",
                      re.I)
INDIRECT_Q = re.compile(r"\b(?:ask|asks|asking|check|checks|checking|find out|finds out|confirm|confirms|see)\s+(?:\w+\s+)?"
                        r"(?:if|whether)\b", re.I)
GENERIC = {"find", "out", "let", "know", "check", "confirm", "ask", "come", "back", "get", "touch", "base", "follow",
           "look", "into", "sort", "that", "it", "thing", "things", "see", "what", "can", "done", "ready", "answer",
           "him", "her", "them", "directly", "email", "writing", "yes", "okay", "sure", "again", "soon"}
CRM_UPDATE = re.compile(r"^(?:put|set|change|move|update|make|enter|log)\b[^()]*?\b(?:as|to|for) (?:the |our |your )?(?:signature|close|closing|target) date\b|"
                        r"^(?:put|set|update|change|enter|log)\b[^()]*?\b(?:in|into|on) (?:the |our |my )?(?:crm|salesforce|system|forecast|pipeline)\b", re.I)
BRING_PERSON = re.compile(r"^bring\s+(?:(?:our|my|your)\s+(?:[\w-]+\s+){0,2}(?:manager|lead|engineer|colleague|counsel|lawyer|architect|head|"
                          r"director|team|expert|specialist)|(?-i:[A-Z][a-z]+)(?:\s+(?-i:[A-Z][a-z]+))?)\b(?:,?\s+(?:along|as well|too|with (?:me|us)))?", re.I)
ACTS_ONLY = {"do", "ring", "call", "phone", "write", "down", "pass", "on", "copy", "run", "through", "remove", "set", "up", "put", "give",
             "tell", "send", "make", "sure", "bring", "take", "keep", "loop", "in", "cc"}
ATTACH = re.compile(r"\b(?:in the same (?:email|mail|message|pack|package|document|envelope|thread)|"
                    r"with the (?:rest|evidence|others|other documents|documents|package|pack)|with everything else|"
                    r"together with (?:it|that|the)|along with (?:it|that))\b", re.I)
PUT_IN = re.compile(r"^(?:put|include|add|mention|cover|reflect)\s+(?:it|that|this|them|those)\s+(?:in|into)\s+"
                    r"(?:the|my|our|your)\s+(\w+)", re.I)
STOP = {"are", "was", "were", "been", "has", "had", "would", "could", "should", "not", "yes", "no", "yeah", "okay",
        "the", "a", "an", "and", "or", "to", "of", "for", "with", "on", "in", "by", "at", "from", "is", "be",
        "our", "their", "his", "her", "your", "my", "you", "we", "i", "it", "that", "this", "them", "those", "me",
        "us", "will", "can", "also", "just", "so", "then", "as", "send", "get", "over", "up", "all", "both", "too",
        "today", "tomorrow", "friday", "monday", "tuesday", "wednesday", "thursday", "week", "next", "end", "do",
        "have", "make", "sure", "ll", "s", "re", "d", "t", "there", "what", "which", "one", "some", "any", "out",
        "after", "before", "until", "into", "about"}


@dataclass
class _Step:
    text: str
    owner: str
    due: dt.date | None
    tentative: bool
    units: list[Unit]
    order: int                     # unit index of the first mention
    strong_owner: bool = True      # "I" or a name; "we" is weaker
    meeting: bool = False
    date_order: int = -1           # unit index of the mention that gave the date
    mentions: int = 1
    words: set[str] = field(default_factory=set)
    turn: int = 0
    vague: bool = False
    empty: bool = False            # no content of its own ("I'll confirm by Friday")
    recap: bool = False
    attach: set[str] = field(default_factory=set)  # "put it in the offer": fold into the step about the offer
    soft: bool = False             # only an offer taken up ("I can send X" - "yes please") or a short yes to a request


def _words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z0-9]+", text.lower()) if w not in STOP and len(w) > 1}


def _base(verb: str) -> str:
    v = {"does": "do", "has": "have", "goes": "go"}.get(verb.lower(), verb.lower())
    if v in VERBS:
        return v
    for suffix, repl in (("ies", "y"), ("ses", "s"), ("shes", "sh"), ("ches", "ch"), ("xes", "x"), ("s", "")):
        if v.endswith(suffix) and v[: -len(suffix)] + repl in VERBS:
            return v[: -len(suffix)] + repl
    if v.endswith("ing"):
        stem = v[:-3]
        for cand in (stem, stem + "e", stem[:-1] if len(stem) > 2 and stem[-1] == stem[-2] else stem):
            if cand in VERBS:
                return cand
    return ""


class _Extractor:
    def __init__(self, ctx: CallContext):
        self.ctx = ctx
        self._labels: dict[str, bool] = {}
        self._owners: dict[str, str] = {}
        self.units = ctx.units
        self.original: dict[int, str] = {}
        # Read some sentences in a plainer form; evidence quotes keep the words as said:
        # speech-to-text in lower case ("i'll send it friday"), a promise reported for someone else
        # ("He said he would confirm by the ninth" reads as "He will confirm by the ninth").
        units = []
        notes = ctx.transcript.format == "notes"
        for u in ctx.units:
            fixed = LOWER_I.sub("I", u.sentence)
            if REPORTED_GATE.search(fixed):
                fixed = REPORTED.sub(r"\g<subj> will ", fixed)
            if notes:  # "- Petr: will get Jana's OK by Wed 6.5." / "- me: ship two gateways Mon 4.5."
                fixed = NOTE_ITEM.sub(lambda m: f"{m.group(1)}{'I' if m.group(2).lower() == 'me' else m.group(2)} will ", fixed)
                fixed = QUOTED_PROMISE.sub("", fixed)  # '- his words "I'll get her to sign off"': his promise, said again
            if fixed != u.sentence:
                said, u = u.sentence, Unit(u.turn, fixed, u.turn_index)
                self.original[id(u)] = said
            units.append(u)
        self.units = units
        if any("\n" in u.sentence for u in self.units):
            # a notes block ("Next steps:\n- Send the quote by Friday\n- Ann to confirm ...") is one line per item
            split = []
            for u in self.units:
                parts = [re.sub(r"^[-*•]\s*", "", p.strip()) for p in re.split(r"\n+", u.sentence) if p.strip(" -*•\t")] \
                    if "\n" in u.sentence else [u.sentence]
                if len(parts) == 1:
                    split.append(u)
                    continue
                said = [re.sub(r"^[-*•]\s*", "", p.strip()) for p in re.split(r"\n+", self.original.get(id(u), u.sentence))
                        if p.strip(" -*•\t")]
                for n, part in enumerate(parts):
                    v = Unit(u.turn, part, u.turn_index)
                    if id(u) in self.original and len(said) == len(parts):
                        self.original[id(v)] = said[n]
                    split.append(v)
            self.units = split
        self.turns = ctx.transcript.turns
        self.speakers_on_call = set(ctx.transcript.speakers)
        self.rep = ctx.rep
        self.holidays = holidays_mentioned([u.sentence for u in ctx.units], ctx.call_date)
        self.by_turn: dict[int, list[int]] = {}
        for i, u in enumerate(self.units):
            self.by_turn.setdefault(u.turn_index, []).append(i)
        self.recap_turns = {t for t, idxs in self.by_turn.items() if RECAP.search(self.turns[t].text)
                            and any(RECAP.search(self.units[j].sentence) for j in idxs)}
        # a recap runs into the next turn, and on through the same speaker's following turns (split captions)
        self.recap_span: set[int] = set()
        for t in self.recap_turns:
            self.recap_span |= {t, t + 1}
            k = t + 1
            while k < len(self.turns) and self.turns[k].speaker == self.turns[t].speaker:
                self.recap_span.add(k)
                k += 1
        self.steps: list[_Step] = []
        self.before_hedged = False
        self.proposed: tuple[str, int] | None = None  # the meeting last proposed ("How about the Thursday after next?") and its turn
        self.first_names = {k for k in ctx.people if " " not in k}
        self.build_names()
        self.speaker_owners = {self.owner_of(sp) for sp in self.speakers_on_call}
        self.crm_people = {c.Name for c in ctx.snapshot.Contacts} | {self.rep}
        self.notes = ctx.transcript.format == "notes" or all(self.is_label(sp) for sp in self.speakers_on_call)
        self.first_names |= {k for k in self.canon if " " not in k}
        self.known_dates: dict[int, dt.date] = {}
        self._colleagues: set[str] | None = None

    # --- people -------------------------------------------------------------------------------
    def build_names(self) -> None:
        """Full names for owners: CRM contacts and the rep first, then speakers; a first-name-only speaker
        takes the CRM name with that first name, or a "First Last" said on the call; titles are dropped."""
        canon: dict[str, str] = {}
        crm = [c.Name for c in self.ctx.snapshot.Contacts] + [self.rep]
        for n in crm:
            key = TITLE.sub("", n).strip()
            canon.setdefault(key.lower(), n)
            canon.setdefault(key.split()[0].lower(), n)
        text = " ".join(t.text for t in self.turns)
        for sp in self.speakers_on_call:
            if sp == "Notes":
                continue
            key = TITLE.sub("", sp).strip()
            if key.lower() in canon:
                canon[sp.lower()] = canon[key.lower()]
                continue
            parts = key.split()
            crm_same = canon.get(parts[0].lower()) if len(parts) > 1 else None
            if crm_same and len(crm_same.split()) > 1 and re.fullmatch(r"[A-Z]\.?", parts[-1]) \
                    and TITLE.sub("", crm_same).split()[-1].startswith(parts[-1][0]):
                canon[sp.lower()] = crm_same  # "Dana W." on the call is "Dana Whitfield" in CRM
                continue
            if " " in key:
                canon.setdefault(key.lower(), key)
                canon.setdefault(key.split()[0].lower(), key)
                canon[sp.lower()] = key
                continue
            person = self.ctx.person(key)
            full = self.said_full_name(key, text) or (person if person and " " in person else None)
            canon.setdefault(key.lower(), full or key)
        self.canon = canon
        self.fulltext = text

    @staticmethod
    def said_full_name(first: str, text: str) -> str | None:
        for m in re.finditer(rf"\b{re.escape(first)}\s+({NAME})", text):
            last = m.group(1)
            if last.lower() not in NOT_SURNAME and not last.isupper():
                return f"{first} {last}"
        return None

    def is_label(self, speaker: str) -> bool:
        """"Notes", "Next steps", "Action items": a heading in free-form notes, not a person."""
        found = self._labels.get(speaker)
        if found is None:
            found = self._labels[speaker] = speaker == "Notes" or bool(LABEL.fullmatch(speaker.strip()))
        return found

    def owner_of(self, speaker: str) -> str:
        found = self._owners.get(speaker)
        if found is None:
            found = self._owners[speaker] = self._owner_of(speaker)
        return found

    def _owner_of(self, speaker: str) -> str:
        if self.is_label(speaker):
            return self.rep
        key = TITLE.sub("", speaker).strip()
        return self.canon.get(speaker.lower()) or self.canon.get(key.lower()) or self.ctx.person(speaker) or key

    def name(self, token: str) -> str | None:
        token = TITLE.sub("", token.strip()).strip()
        if not token:
            return None
        found = self.canon.get(token.lower()) or self.canon.get(token.split()[0].lower()) \
            or self.ctx.person(token) or self.ctx.person(token.split()[0]) or crm_name_for(token, sorted(self.crm_people))
        if found:
            return self.owner_of(found) if found in self.speakers_on_call else found
        if token.lower() in NOT_SURNAME or token.split()[0].lower() in NOT_SURNAME:
            return None
        return self.said_full_name(token.split()[0], self.fulltext)

    def antecedent(self, i: int, u: Unit, at: int = 0) -> str | None:
        """The one person (not the speaker) named before "she"/"he" (at ``at``): earlier in the same sentence
        ("Hamish Li, our implementation lead, is running it, he'll send the invite"), else in the sentence before,
        in the same turn."""
        me = self.owner_of(u.turn.speaker)

        def named(text: str) -> set[str]:
            found = {self.name(m.group(0)) for m in re.finditer(rf"{NAME}(?:\s+{NAME})?", text) if m.start() > 0 or " " in m.group(0)}
            return {n for n in found if n and n != me}

        names = named(u.sentence[:at])
        if not names and i > 0 and self.units[i - 1].turn_index == u.turn_index:
            names = named(self.units[i - 1].sentence)
        return names.pop() if len(names) == 1 else None

    def vocative(self, sentence: str, speaker: str) -> str | None:
        m = re.match(rf"^(?:and |so |okay,? |ok,? |right,? |now,? |then,? )?({NAME})\s*,", sentence, re.I)
        if m:
            who = self.name(m.group(1))
            if who and who != self.owner_of(speaker):
                return who
        return None

    def addressee(self, idx: int) -> str | None:
        """Who "you" is in unit ``idx``: a name addressed in the turn, else the other speaker(s) nearby."""
        u = self.units[idx]
        found = None
        for j in self.by_turn.get(u.turn_index, []):
            if j > idx:
                break
            found = self.vocative(self.units[j].sentence, u.turn.speaker) or found
        if found:
            return found
        others = [s for s in self.speakers_on_call if s not in (u.turn.speaker, "Notes")]
        if len(others) == 1:
            return self.owner_of(others[0])
        t = u.turn_index
        if t > 0 and self.turns[t - 1].speaker != u.turn.speaker:
            return self.owner_of(self.turns[t - 1].speaker)
        if t + 1 < len(self.turns) and self.turns[t + 1].speaker != u.turn.speaker:
            return self.owner_of(self.turns[t + 1].speaker)
        return None

    # --- dates --------------------------------------------------------------------------------
    def dates_in(self, text: str) -> list[tuple[int, int, dt.date, str]]:
        out = []
        for s, e, d, phrase in find_date_spans(text, self.ctx.call_date):
            if d < self.ctx.call_date:
                continue
            before = text[max(0, s - 12):s].lower()
            if re.search(r"\b(?:for|of|at) the\s*$", before) or re.match(r"['’]s\b", text[e:e + 3]):
                continue  # "for the June second board", "Monday's meeting": a name, not a due date
            if re.search(r"\bnot\s+(?:on\s+|by\s+)?$", before) and not re.match(r"(?:by|before|until|till|later)\b", phrase, re.I):
                continue  # "Not this week, we have the server move": a day ruled out is no due date
            if BARE_ORD.fullmatch(phrase) and d.day in self.known_dates and self.known_dates[d.day] != d:
                d = self.known_dates[d.day]  # "for the fifth" after "the committee meets on August fifth"
            out.append((s, e, shift_for_holidays(d, self.holidays, backward=phrase.lower().startswith("end of")), phrase))
        events = AFTER_EVENT.finditer(text) if " after " in text or " before " in text else ()
        for m in events:  # "the day after the workshop": the workshop's date found earlier, plus one
            event = self.event_date(m.group("event"))
            if event is not None:
                days = (1 if m.group("unit").lower() == "day" else 7) * (-1 if m.group("side").lower() == "before" else 1)
                out.append((m.start(), m.end(), shift_for_holidays(event + dt.timedelta(days=days), self.holidays), m.group(0)))
                out.sort(key=lambda x: x[0])
        same = re.search(r"\b(?:the same day|that same day|that day|on the day)\b", text, re.I)
        if same and out and out[0][0] < same.start():
            prior = [x for x in out if x[0] < same.start()][-1]
            out.append((same.start(), same.end(), prior[2], same.group(0)))
            out.sort(key=lambda x: x[0])
        return out

    def event_date(self, event: str) -> dt.date | None:
        """The date of a meeting already found on the call ("the kick-off on Wednesday the 22nd")."""
        key = re.sub(r"[\s-]", "", event.lower())
        dated = [st.due for st in self.steps if st.meeting and st.due and key in re.sub(r"[\s-]", "", st.text.lower())]
        return dated[-1] if dated else None

    def learn_dates(self, sentence: str) -> None:
        """Remember explicit month dates said on the call, so a later "the fifth" means the same date."""
        for _, _, d, phrase in find_date_spans(sentence, self.ctx.call_date):
            if d >= self.ctx.call_date and re.search(r"[A-Za-z]{3}", phrase) and not BARE_ORD.fullmatch(phrase) \
                    and re.search(MONTH_WORDS, phrase, re.I):
                self.known_dates[d.day] = d

    def pick_date(self, text: str, meeting: bool = False) -> dt.date | None:
        spans = self.dates_in(text)
        if not spans:
            return None
        if len(spans) > 1 and CORRECTION.search(text):
            return spans[-1][2]
        if not meeting:
            for s, e, d, phrase in spans:
                if DEADLINE.search(text[:s]) or re.match(r"(?:by|until|till|before)\b", phrase, re.I):
                    # "today or tomorrow" / "tonight or Tuesday": the later one is the promise
                    alt = [d2 for s2, _, d2, _ in spans if s2 > e and re.fullmatch(r"\s*or\s*", text[e:s2])]
                    return max([d, *alt])
        s, e, d, _ = spans[0]
        alt = [d2 for s2, _, d2, _ in spans[1:] if re.fullmatch(r"\s*or\s*(?:by\s+)?", text[e:s2])]
        return max([d, *alt])

    def date_after(self, idx: int, owner: str) -> tuple[dt.date | None, int]:
        """A date given after the commitment: a short follow-up sentence, or a reply turn."""
        u = self.units[idx]
        same_turn = [j for j in self.by_turn[u.turn_index] if j > idx]
        if same_turn:
            j = same_turn[0]
            nxt = self.units[j].sentence
            imperative = _base(nxt.split()[0].strip(",.").lower()) in VERBS and nxt[:1].isupper() \
                and not re.match(r"(?:say|let['’]s|give (?:me|us) (?:until|till)\b)", nxt, re.I)  # "Give me until Monday."
            has_subject = re.match(r"^(?:and |but |so |then )?(?:the|our|your|my|their|this|that|it|he|she|they|we|I|you)\b"
                                   r"(?! (?:same|following|next|week|day)\b)", nxt, re.I) or self.vocative(nxt, u.turn.speaker) \
                or (nxt.split()[0].strip(",").lower() in self.canon)
            if (len(nxt.split()) <= 10 and not has_subject
                    or re.match(r"^(?:by|on|before|let['’]s say|say|latest|probably|so|that['’]s|hopefully|ideally)\b", nxt, re.I)) \
                    and not FUTURE.search(nxt) and not imperative and not GIVE_ME.search(nxt) and not RECAP.search(nxt):
                d = self.pick_date(nxt)
                if d:
                    return d, j
            later_q = any(TIMING_Q.search(self.units[k].sentence) and QUESTION_END.search(self.units[k].sentence)
                          for k in same_turn)
            if not (QUESTION_END.search(u.sentence) or later_q):
                return None, -1
        asked = any(TIMING_Q.search(self.units[j].sentence) and QUESTION_END.search(self.units[j].sentence)
                    for j in [idx, *same_turn])
        proposed = None
        t = u.turn_index
        for k in range(t + 1, min(t + 4, len(self.turns))):
            turn = self.turns[k]
            idxs = self.by_turn.get(k, [])
            if not idxs:
                continue
            if self.owner_of(turn.speaker) != owner:
                near = idxs[:2] if len(idxs) > 3 else idxs
                qs = [self.units[j] for j in near if QUESTION_END.search(self.units[j].sentence)]
                q_date = next(((self.pick_date(q.sentence), j) for j, q in zip(near, self.units[near[0]:near[-1] + 1])
                               if QUESTION_END.search(q.sentence) and self.pick_date(q.sentence)
                               and not (MEETING_WORDS.search(q.sentence) and not MEETING_WORDS.search(u.sentence))), None)
                if q_date:
                    proposed = q_date
                    continue
                wish = next(((self.pick_date(self.units[j].sentence), j) for j in near
                             if PROPOSE.search(self.units[j].sentence) and self.pick_date(self.units[j].sentence)), None)
                if wish and k == t + 1:
                    proposed = wish
                    continue
                if qs and any(TIMING_Q.search(q.sentence) for q in qs):
                    asked = True
                    continue
                if asked or proposed:
                    continue
                return None, -1
            if not (asked or proposed):
                return None, -1
            for j in idxs[:2]:
                d = self.pick_date(self.units[j].sentence)
                if d:
                    return d, j
            if proposed and AFFIRM.search(self.units[idxs[0]].sentence):
                return proposed
            return None, -1
        return None, -1

    def date_fragment_before(self, idx: int) -> tuple[dt.date | None, int]:
        """"Yes, Friday the 19th. I'll send you their comments myself.": a short date-only sentence just
        before the promise, in the same turn, is its date."""
        u = self.units[idx]
        j = idx - 1
        if j < 0 or self.units[j].turn_index != u.turn_index:
            return None, -1
        prev = self.units[j].sentence
        hedged_q = QUESTION_END.search(prev) and re.match(r"(?:maybe|perhaps|how about|what about)\b", prev, re.I)
        if len(prev.split()) > 7 or QUESTION_END.search(prev) and not hedged_q or FUTURE.search(prev) \
                or self.is_step_unit(self.units[j]):
            return None, -1
        spans = self.dates_in(prev)
        if not spans:
            return None, -1
        rest = prev
        for s, e, _, _ in reversed(spans):
            rest = rest[:s] + rest[e:]
        if _words(rest) - FILLER - {"then", "and", "so", "that", "on", "by", "right", "ah", "oh", "how", "about"}:
            return None, -1  # the sentence says more than a date
        return spans[-1][2], j

    def meeting_before(self, idx: int) -> str:
        """The meeting a bare "I'll send the invite" is for: named just before ("a proper underwriting call with
        Keisha ..." -> "Underwriting call with Keisha ..."), else the one proposed earlier whose day was being found,
        with the spoken time if one was said."""
        u = self.units[idx]
        what, clock = "", ""
        for j in range(idx - 1, max(-1, idx - 16), -1):
            v = self.units[j]
            if v.turn_index < u.turn_index - 6:
                break
            clock = clock or spoken_time(v.sentence)
            what = what or self.meeting_name(j)
        if not what and self.proposed and u.turn_index - self.proposed[1] <= 15:
            what = self.proposed[0]
        return f"{what}, {clock}" if what and clock else what

    def meeting_name(self, j: int) -> str:
        """The meeting named in unit ``j``; "walk you through it" is a walkthrough of what the speaker just promised
        ("Tuesday the fifth, you'll have it [the proposal]. And then I'd like to walk you both through it")."""
        name = _meeting_name(self.units[j].sentence)
        if not re.match(r"(?:It|Them) walkthrough$", name):
            return name
        u = self.units[j]
        me = self.owner_of(u.turn.speaker)
        mine = next((st for st in reversed(self.steps) if st.owner == me and u.turn_index - st.turn <= 3), None)
        thing = THING.search(mine.text) if mine else None
        np = thing.group("np") if thing else self.named_thing(mine.units[0]) if mine else ""
        return f"{np[:1].upper()}{np[1:]} walkthrough" if np else "Walkthrough"

    def date_before(self, idx: int) -> dt.date | None:
        """The meeting date said just before "I'll send the invite" (and whether it was only pencilled in)."""
        u = self.units[idx]
        self.before_hedged = False
        for j in range(idx - 1, max(-1, idx - 6), -1):
            if self.units[j].turn_index < u.turn_index - 3:
                break
            spans = self.dates_in(self.units[j].sentence)
            if spans:
                self.before_hedged = any(TENTATIVE.search(self.units[k].sentence) for k in range(max(0, j - 1), idx))
                return spans[-1][2]
        return None

    # --- text ---------------------------------------------------------------------------------
    def context_object(self, idx: int, before: str) -> str:
        """What "it"/"that" refers to: the start of the same sentence, an earlier sentence of the same
        turn, or the other speaker's request just before."""
        u = self.units[idx]
        before = re.sub(rf"\b(?:I|we|you|{NAME}|(?:our|my) (?:[a-z]+ ){{0,2}}[a-z]+)\s*(?:['’]ll|will|can|['’]d|would|(?:['’]m|am|are|['’]re|is|['’]s) going to|"
                        rf"(?:['’]m|am|are|['’]re) gonna)?\s*$", "", before).strip(" ,;")
        before = re.sub(r"\b(?:let me|let us|happy to|glad to|(?:I|we) (?:need|have) to|(?:I|we)(?:['’]d| would) like to)\s*$",
                        "", before, flags=re.I).strip(" ,;")
        before = re.sub(r"\b(?:and|but|so|then)\s*$", "", before, flags=re.I).strip(" ,;")
        if _words(before) - FILLER - self.first_names - VERBS and not has_contact_details(before):
            return before
        earlier = [j for j in self.by_turn[u.turn_index] if j < idx]
        for j in reversed(earlier[-2:]):
            s = self.units[j].sentence
            if len(_words(s) - FILLER) >= 3 and not QUESTION_END.search(s) and not self.is_step_unit(self.units[j]) \
                    and not has_contact_details(s) and not re.search(r"\b(?:got|have|had|done|finished|started) (?:it|them)\b", s, re.I):
                return s  # "I've got it half done." says where "it" stands, not what it is
        t = u.turn_index
        for k in range(t - 1, max(-1, t - 3), -1):
            if self.turns[k].speaker == u.turn.speaker:
                continue
            idxs = self.by_turn.get(k, [])
            # a request that carries a phone number or address is still the context, without them
            cands = [c for c in (_scrub(self.units[j].sentence) for j in idxs) if len(_words(c)) >= 2 and not has_contact_details(c)
                     and not RECORRECT.match(c)]  # "Actually, make that Friday" says when, not what
            req = [s for s in cands if REQUEST.search(s) or QUESTION_END.search(s)
                   or _base(s.split()[0].strip(",")) in VERBS and s.split()[0][:1].isupper()]
            pool = req or cands
            if pool:
                return max(pool, key=lambda s: len(_words(s)))
            break
        return ""

    def named_thing(self, u: Unit) -> str:
        """The document or list "it"/"them" stands for: the last one named earlier in the same sentence, else the
        first one in the main clause of the sentences before, up to three turns back ("I'll send the questionnaire
        Tuesday." ... "We'll return it by the 21st")."""
        pronoun = re.search(r"\b(?:it|them|that|those)\b", u.sentence)
        found = [m.group("np") for m in THING.finditer(_scrub(u.sentence[:pronoun.start()] if pronoun else ""))]
        if found:
            return found[-1]
        idx = self.units.index(u)
        for j in range(idx - 1, -1, -1):
            if self.units[j].turn_index < u.turn_index - 3:
                break
            main = SUBORDINATE.split(_scrub(self.units[j].sentence), maxsplit=1)[0]  # "the quote by Friday, because I present the list"
            m = THING.search(main)
            if m:
                return m.group("np")
        return ""

    def need_before(self, idx: int) -> str:
        """"On our side I need to raise the purchase order ..." just before "I'll have it raised by ...": what
        "it" is, said as something the speaker has to do."""
        u = self.units[idx]
        j = idx - 1
        m = None if j < 0 or self.units[j].turn_index != u.turn_index or self.is_step_unit(self.units[j]) \
            else NEED_TO.search(self.units[j].sentence)
        if not m:
            return "" if self.accepted_ask(u) else self.own_offer(idx)
        if not self.valid_verb(m.group("verb"), self.units[j].sentence[m.start("verb"):]) \
                or has_contact_details(self.units[j].sentence):
            return ""
        return self.units[j].sentence[m.start("verb"):].rstrip(" .!")

    def own_offer(self, idx: int) -> str:
        """"I can build the sandbox with your data." ... "I'll have it ready that morning": "it" is what the
        same speaker offered to do in the last couple of turns (the offer, once promised with a date)."""
        u = self.units[idx]
        for j in range(idx - 1, max(-1, idx - 8), -1):
            v = self.units[j]
            if v.turn_index < u.turn_index - 3:
                break
            if v.turn.speaker != u.turn.speaker or QUESTION_END.search(v.sentence) or self.is_step_unit(v) \
                    or has_contact_details(v.sentence):
                continue
            m = re.search(r"\b(?:I|we) can (?:also |then )?(?P<verb>[a-z]+)\b", v.sentence)
            if m and _base(m.group("verb")) in DELIVERABLE and not PRECEDER.search(v.sentence[max(0, m.start() - 24):m.start()]):
                rest = v.sentence[m.start("verb"):]
                if self.valid_verb(m.group("verb"), rest) and not PRONOUN_OBJ.match(rest):
                    cut = CUT.search(rest, 8)
                    return (rest[:cut.start()] if cut else rest).rstrip(" .!")
        return ""

    def earlier_offer(self, idx: int, verb: str) -> str:
        """"I can't promise, but I could ask one of our customers." ... "I'll ask." -> what the speaker said
        they could do with that verb, in the last few turns."""
        u = self.units[idx]
        rx = re.compile(rf"\b(?:I|we)\s+(?:could|can|might|would|['’]d|may)\s+(?:also\s+|try to\s+)?({re.escape(verb)}\s+\w.*)", re.I)
        for j in range(idx - 1, -1, -1):
            v = self.units[j]
            if v.turn_index < u.turn_index - 3:
                break
            if v.turn.speaker != u.turn.speaker or has_contact_details(v.sentence):
                continue
            m = rx.search(v.sentence)
            if m:
                return m.group(1).rstrip(" .!?")
        return ""

    def is_step_unit(self, u: Unit) -> bool:
        return any(u in st.units for st in self.steps)

    def make_text(self, clause: str, idx: int, owner: str, before: str = "") -> str:
        action = clause.strip()
        bare = re.fullmatch(r"([a-z]+)(?:,\s*(?:no promises|no guarantees?|I can['’]?t promise|if I can)\b.*)?[.!]?", action, re.I)
        if bare and _base(bare.group(1)):
            action = self.earlier_offer(idx, bare.group(1)) or action  # "I'll ask, no promises" after "I could ask X"
        action = re.sub(r",\s+(?:once|when|if|as soon as|after|before|assuming)\b[^,]*,", ",", action)
        # a trailing aside on whether it matters ("..., to be honest it may not matter now") is not the action
        action = re.sub(r",\s+(?:(?:to be honest|honestly|mind you),?\s+)?(?:it|that|this) (?:may|might|probably|possibly)\b.*$",
                        "", action, flags=re.I)
        m = CUT.search(action, 8)
        if m:
            action = action[:m.start()]
        action = re.sub(r"(?:[,;]?\s+(?:and|or|but|then|so|by|on|at|for|to|with))+\s*$", "", action.strip(" ,.;:!?-–—")).strip(" ,.;:!?-–—")
        words = action.split()
        if words:  # the imperative: "sends" -> "Send", "taking" -> "Take"
            base = _base(words[0])
            if base and base != "bench":
                words[0] = base
            elif words[0].lower() == "bench" and len(words) > 1 and _base(words[1]):
                words[1] = _base(words[1])
            action = " ".join(words)
        core = _content(action, self.ctx.call_date) - GENERIC
        if PRONOUN_OBJ.match(action) or re.search(r"\b(?:it|that|this|them)\s*$", action) or not core \
                or PARTY_ONLY.match(action):
            obj = self.context_object(idx, before)
            offer = self.earlier_offer(idx, words[0].lower()) if not obj and words and PRONOUN_OBJ.match(action) else ""
            if offer:  # "I could send over the roadmap." - "Sure." - "I'll send it next week then."
                cut = CUT.search(offer, 8)
                offer = (offer[:cut.start()] if cut else offer).strip(" ,.")
                action = re.sub(r"^(\w+)\s+(?:it|that|this|them|those|these)\b", lambda m: offer, action, count=1, flags=re.I)
                action = action[:1].upper() + action[1:]
            elif obj:
                obj = re.sub(r"^(?:and|so|okay|ok|sure|yes|yeah|please|also|then)\b[, ]*", "", obj, flags=re.I)
                obj = re.sub(r"\b(?:can|could|would|will) you(?: please)?\s+", "", obj, flags=re.I).strip(" ,.?!")
                need = NEED_ASK.search(obj)
                if need:  # "Before that, what I really need is the list of ..." -> "the list of ..."
                    obj = obj[need.end() - len(need.group(0).split()[-1]):]
                action = f"{action} ({obj[:120]})"
        action = self.asked_detail(action, idx)
        head, paren, tail = action.partition(" (")
        if re.search(r"\byou\b(?!['’])", head):
            u = self.units[idx]
            addressee = self.addressee(idx) if owner == self.owner_of(u.turn.speaker) else None
            if addressee and addressee != owner:
                head = re.sub(r"\byou\b(?!['’])", TITLE.sub("", addressee).split()[0], head, count=1)
                action = head + paren + tail
        action = re.sub(r"\s+", " ", action)
        if len(action) > 160:
            action = action[:160].rsplit(" ", 1)[0]
        return action[:1].upper() + action[1:]

    # --- collection ---------------------------------------------------------------------------
    def add(self, text: str, owner: str, due: dt.date | None, tentative: bool, units: list[Unit], order: int,
            strong: bool = True, meeting: bool = False, date_order: int = -1, vague: bool = False) -> _Step | None:
        words = _content(text, self.ctx.call_date)
        if not owner or not text or not words:
            return None
        st = _Step(text=text, owner=owner, due=due, tentative=tentative, units=units, order=order,
                   strong_owner=strong, meeting=meeting, date_order=date_order if due else -1,
                   words=words, turn=units[-1].turn_index, vague=vague)
        self.steps.append(st)
        return st

    def run(self) -> list[_Step]:
        for i, u in enumerate(self.units):
            self.sentence(i, u)
            self.learn_dates(u.sentence)
        self.accepted_requests()
        return self.merge()

    def valid_verb(self, verb: str, rest: str) -> str:
        base = _base(verb)
        if not base or base in NEVER:
            return ""
        need = NEEDS.get(base)
        if need:
            phrase = base + rest[len(verb):] if rest.lower().startswith(verb.lower()) else rest
            if not need.search(phrase):
                return ""
        return base

    def accepted(self, u: Unit, strong: bool = False) -> bool:
        """An offer ("I can send you X") is taken up in the next turn by someone else; "we can X" needs a
        clear "yes please" (it is often a statement of what the product can do)."""
        t = u.turn_index
        if t + 1 < len(self.turns) and self.turns[t + 1].speaker != u.turn.speaker:
            reply = self.turns[t + 1].text
            if REFUSE.search(reply):
                return False
            return bool(STRONG_ACCEPT.search(reply) if strong else ACCEPTED.search(reply))
        return False

    def sentence(self, i: int, u: Unit) -> None:
        s = u.sentence
        speaker_owner = self.owner_of(u.turn.speaker)
        question = bool(QUESTION_END.search(s))
        low = s.lower()
        if any(k in low for k in HYPO_PAST_HINTS) and (HYPO.search(s) or PAST.search(s) and not _past_aside(s)):
            return
        in_recap = u.turn_index in self.recap_span
        hits: list[tuple[int, int, str, bool, str, str]] = []  # (start, verb_start, owner, strong, kind, modal)
        seen_verbs: set[int] = set()
        for m in COMMIT.finditer(s):
            subj, modal, verb = m.group("subj"), m.group("modal") or "", m.group("verb")
            if m.start("verb") in seen_verbs:
                continue
            rest = s[m.start("verb"):]
            base = self.valid_verb(verb, rest)
            if not base and YOU_HAVE.match(m.group(0)) and self.dates_in(rest):
                base = "have"  # "You'll have their comments Thursday week": the speaker delivers by then
            shift = 0
            if not base and modal:
                # "I'll think it over and send you feedback by Friday": the action is the second verb
                alt = AND_VERB.match(rest)
                if alt and self.valid_verb(alt.group("v"), rest[alt.start("v"):]) and alt.group("v") == _base(alt.group("v")):
                    shift, verb = alt.start("v"), alt.group("v")
                    rest = rest[shift:]
                    base = self.valid_verb(verb, rest)
            if not base:
                continue
            if PRECEDER.search(s[max(0, m.start() - 24):m.start()]) and not DISCOURSE.fullmatch(s[:m.start()]) \
                    and not (subj in ("I", "we", "We") and re.search(r",\s*(?:and\s+)?so\s*$", s[:m.start()])):
                # "if you send it", "when you run the capture", "because I will share": not a promise;
                # "Thursday is a holiday, so I'll share it Friday" is one
                continue
            modal_l = modal.strip().lower().replace("’", "'")
            if re.search(r"(?:happy|glad|delighted) to$", modal_l):
                if base not in DELIVERABLE:
                    continue
                modal_l = "will"  # "I'd be happy to send ...", "we're glad to ..."
            sl = subj.lower()
            if base == "make" and (modal_l not in ("'ll", "will") or subj.lower() != "i"):
                continue  # only "I'll make sure ..." is a promise
            if re.match(r"(?:our|my) ", sl):
                owner, strong, kind = speaker_owner, False, "self"
            elif sl in ("he", "she"):
                # "Our support lead, Ana Ruiz, handles that. She'll delete the data ...": the person just named
                owner = self.antecedent(i, u, m.start())
                if owner is None or base not in DELIVERABLE and base not in ("delete", "remove", "set", "book", "call"):
                    continue
                strong, kind = True, "named"
            elif sl in ("i", "we"):
                if not modal and (verb.lower() != base or base in ("have", "do", "go", "work", "get")):
                    continue  # "I sent": past tense; "I have my colleague with me": not an action
                if modal_l in ("'d", "would", "could") and not self.dates_in(rest):
                    continue  # "I'd want to see", "we could": a wish, not a promise
                if modal_l == "to":
                    continue
                owner, strong, kind = speaker_owner, sl == "i", "self"
            elif sl == "you":
                if modal_l in ("'d", "would", "could", "can", "to"):
                    continue  # "you could", "you can": advice, not a commitment
                if not modal and (verb.lower() != base or question):
                    continue
                owner = self.addressee(i)
                if re.match(r"(?:get|have|receive|see)\b(?!\s+(?:back|me|us|in touch)\b)", rest, re.I) and modal_l in ("'ll", "will"):
                    if not self.dates_in(rest):
                        continue  # "you'll get a notification on your phone": what the product does
                    owner = speaker_owner  # "you'll have the proposal by Friday": the speaker delivers
                if owner is None:
                    continue
                strong, kind = True, "you"
            else:
                first = re.split(r"\s+and\s+", subj)[0]
                # "And Léa will set up ...", "So Tom sends ...": a capitalised discourse word is not part of the name
                first = re.sub(r"^(?:And|But|So|Then|Also|Now|Plus|Okay|Ok|Great|Perfect|Yes|Yeah|Right|Well|Sure|Next|"
                               r"Finally|Lastly|Meanwhile|Separately|Otherwise)\s+(?=\S)", "", first)
                owner = self.name(first)
                if owner is None or owner not in self.speaker_owners and not (
                        (self.notes or modal_l == "to") and owner in self.crm_people
                        or base in DELIVERABLE and base != "get" and modal_l != "present"
                        or in_recap and not modal and " " in owner):
                    continue  # "the CFO will ask", "Helen will want": a prediction about someone not on the call
                if not modal and base in ("have", "do") and not re.match(r"does (?:the|a|an) ", rest, re.I) \
                        and not (re.match(r"has\b[^.;]*\b(?:ready|done|set up|in place)\b", rest, re.I) and self.dates_in(rest)):
                    continue  # "Jonas has his questionnaire ready": a state, not a step
                if not modal and not (verb.lower() != base and verb.lower().endswith("s")
                                      or " and " in subj and verb.lower() == base):
                    continue  # "Ravi send" is not a sentence; "Ravi sends" and "Claire and Julien give" are
                if modal_l in ("'d", "would", "could", "'s", "can"):
                    continue
                strong, kind = True, "named"
            if question and not (kind == "you" and WHEN_Q.search(s)) \
                    and not (kind == "self" and modal_l in ("'ll", "will") and m.start() <= 12 + s.find(subj)
                             and re.search(r",\s*(?:if|right|okay|ok|yes|no|correct|is that|does that|would that|so)\b[^,]*\?$", s)):
                continue
            if re.search(r"\bn['’]t\b|\bnot\b", modal + m.group("adv")):
                continue
            seen_verbs.add(m.start("verb"))
            if re.search(r"\bbe$", m.group("adv")):
                modal_l = "is"  # "I'll be sending my kids to camp": an activity, a step only with its date
            hits.append((m.start("subj"), m.start("verb") + shift - (len(m.group("adv")) if re.search(r"bench|load|smoke", m.group("adv")) else 0),
                         owner, strong, kind, "" if not modal and kind != "named" else modal_l or "present"))
        if self.is_label(u.turn.speaker) and not question:
            # notes: an imperative line ("Follow up with legal on the DPA") is the rep's step
            m = re.match(r"^(?:[-*•]\s*)?(?P<verb>[A-Z][a-z]+(?:-[a-z]+)?)\b", s)
            if m and not hits and self.valid_verb(m.group("verb").lower(), s[m.start("verb"):].lower()) \
                    and m.group("verb").lower() == _base(m.group("verb")):
                hits.append((m.start("verb"), m.start("verb"), self.rep, True, "self", "will"))
        low = s.lower()
        for m in (LET_ME.finditer(s) if ("let" in low or "allow" in low or "happy" in low or "glad" in low) else ()):
            g = "verb" if m.group("verb") else "verb2"
            base = self.valid_verb(m.group(g), s[m.start(g):])
            if g == "verb2" and base not in DELIVERABLE:
                continue
            if base and not question and base not in ("share", "show", "walk", "put") and not any(h[0] == m.start() for h in hits):
                hits.append((m.start(), m.start(g), speaker_owner, True, "self", "let" if g == "verb" else "will"))
        low = s.lower()
        g = GIVE_ME.search(s) if "give " in low else None
        if g and not hits and not question and self.valid_verb(g.group("verb"), s[g.start("verb"):]):
            self.clause(i, u, f"{s[g.start('verb'):].rstrip(' .!')} by {g.group('when')}", speaker_owner, True, "self",
                        "will", None, "", u.turn_index in self.recap_turns, 0, s)
            return
        lv = LEAVE_IT.search(s) if "leave " in low else None
        if lv and not hits and not question:
            when = lv.group("when")
            self.clause(i, u, f"do it by {when}" if when else "do it", speaker_owner, True, "self", "will", None, "",
                        in_recap, 0, s)
            return
        w = WITH_YOU.search(s) if ("expect" in low or " be " in low or " go out" in low or " go over" in low
                                   or " ship " in low) else None
        if w is not None and w.group("obj") and w.group("obj").lower() in ("they", "those") and w.groupdict().get("done"):
            w = None  # "they will be set up": someone else's doing
        if w is None and in_recap and " out" in low:
            w = GOES_OUT.match(s)  # a recap line "Welcome pack goes out Friday": the speaker sends it
        if w and not hits and not question and self.dates_in(s[w.start():]):
            obj = w.group("obj") or w.groupdict().get("obj2")
            topic = re.sub(r"^(?:and|so|then|also|now)\s+", "", s[:w.start()].strip(" ,"), flags=re.I)
            if obj.lower() in ("it", "that", "this", "they", "those", "them") and len(_words(topic)) >= 1:
                obj = topic
            rest = re.sub(r"^\s*(?:in your inbox|with you|over to you)\s*", " ", s[w.end():])
            obj = re.sub(r"^(?:The|A|An|Our|Your|My)\b", lambda x: x.group(0).lower(), obj)
            done = w.groupdict().get("done")
            verb = PARTICIPLE.get(done.lower(), "send") if done else "send"  # "The PO will be raised by Thursday"
            self.clause(i, u, f"{verb} {obj}{rest}".rstrip(), speaker_owner, True, "self", "will", None, "",
                        u.turn_index in self.recap_turns, 0, s)
            return
        met = self.meeting(i, u, question)
        if met is not None:  # "we meet again Tuesday" is the meeting step itself
            hits = [h for h in hits if not met[0] <= h[0] < met[1]]
        if not hits:
            if not (met is None and in_recap and self.recap_meeting(i, u)):
                self.correction(i, u)
            return
        hits.sort()
        for n, (start, vstart, owner, strong, kind, modal) in enumerate(hits):
            end = hits[n + 1][0] if n + 1 < len(hits) else len(s)
            if met is not None and start < met[0] < end:
                end = met[0]  # "I'll send the proposal by Friday and we'll meet again Tuesday"
            clause = s[vstart:end]
            parts = [clause]
            # "..., and sends the docs by Friday": a second action by the same subject
            cont = re.search(r",?\s+and\s+(?:then\s+)?(?=([a-z]+s)\b)", clause)
            if cont and kind == "named" and _base(cont.group(1)):
                parts = [clause[:cont.start()], clause[cont.end():]]
            if len(parts) == 1 and self.dated_items(clause):
                parts = self.dated_items(clause)
            inherited = None
            for pn, part in enumerate(parts):
                hedge_text = s[:end] if n == 0 else s[start:end]
                st = self.clause(i, u, part, owner, strong, kind, modal, inherited, s[:vstart] if pn == 0 else "",
                                 in_recap, n, hedge_text)
                if pn == 0:
                    inherited = st.due if st is not None else None

    def dated_items(self, clause: str) -> list[str]:
        """"send the pen test summary today, the two-year quote by Thursday": two items, each with its date,
        the second taking the first one's verb."""
        m = DATED_LIST.search(clause)
        if not m or len(self.dates_in(clause)) < 2:
            # "send the DPA by Friday, and a written note for your IT team on X": a second item after the date
            tail = re.search(r",\s+and\s+(?=(?:a|an|the|our|my)\s+[\w-]+(?:\s+[\w'’-]+){3,})", clause)
            spans = self.dates_in(clause)
            if tail and len(spans) == 1 and spans[0][1] <= tail.start() and not clause[spans[0][1]:tail.start()].strip() \
                    and not self.dates_in(clause[tail.end():]):
                return [clause[:tail.start()], f"{clause.split()[0]} {clause[tail.end():].strip()}"]
            return []
        first, second = clause[:m.start()], clause[m.end():].strip()
        if not self.dates_in(first) or not self.dates_in(second):
            return []
        verb = first.split()[0]
        return [first, f"{verb} {second}"]

    def correction(self, i: int, u: Unit) -> None:
        """"Actually, make that Thursday." moves the date of the step this speaker just promised."""
        if not RECORRECT.match(u.sentence) and not (MAKE_IT.match(u.sentence) and i > 0
                                                    and self.units[i - 1].turn_index == u.turn_index
                                                    and CORRECTION.search(self.units[i - 1].sentence)):
            return
        d = self.pick_date(u.sentence)
        owner = self.owner_of(u.turn.speaker)
        prev = next((st for st in reversed(self.steps) if st.owner == owner and u.turn_index - st.turn <= 1), None)
        if d and prev is not None:
            old = [x for x in self.dates_in(prev.text) if x[2] != d]
            new = next((x[3] for x in self.dates_in(u.sentence) if x[2] == d), None)
            if old and new:  # "I'll send it on Thursday. Actually, make that Friday.": the text says Friday too
                s0, e0 = old[-1][0], old[-1][1]
                prev.text = prev.text[:s0] + new + prev.text[e0:]
            prev.due, prev.date_order = d, i
            prev.units.append(u)

    def meeting(self, i: int, u: Unit, question: bool) -> tuple[int, int] | None:
        s = u.sentence
        if question:
            return self.meeting_asked(i, u)
        low = s.lower()
        if "we" not in low and "let" not in low:
            return None
        meet = LETS_MEET.search(s) or MEET_AGAIN.search(s)
        if not meet:
            return None
        rest = s[meet.start():]
        date = self.pick_date(rest, meeting=True)
        speaker = self.owner_of(u.turn.speaker)
        if date is None and (MEETING_WORDS.search(s) or MEET_AGAIN.search(s)) and not self.dates_in(s):
            # "Let's meet again the week after." - "Monday the 30th?" - "Monday the 30th it is."
            date = self.date_after(i, speaker)[0]
        if date and (MEETING_WORDS.search(s) or MEET_AGAIN.search(s)):
            owner = speaker if speaker in self.colleagues() else \
                self.rep if self.rep in self.speaker_owners or u.turn.speaker == "Notes" else speaker
            start = meet.start("verb") if "verb" in meet.re.groupindex else meet.start()
            text = self.make_text(re.sub(r"^(?:we|We)(?:['’]ll| will)?\s+|^say\s+", "", s[start:]), i, owner)
            if f"{date.day} {date:%B}" not in text:
                text = f"{text} ({date:%A} {date.day} {date:%B})"
            self.add(text, owner, date, bool(TENTATIVE.search(s)), [u], i, meeting=True, date_order=i)
            return meet.start(), meet.end()
        return None

    def meeting_asked(self, i: int, u: Unit) -> tuple[int, int] | None:
        """"Shall we say Thursday at two for the follow-up call?" - "Thursday works.": the meeting, once the
        other side says yes."""
        s = u.sentence
        m = MEET_Q.search(s)
        date = self.pick_date(s, meeting=True) if m else None
        t = u.turn_index
        prev = " ".join(self.units[j].sentence for j in self.by_turn[t] if i - 2 <= j < i)
        if not date or not (MEETING_WORDS.search(s) or SAME_TIME.search(s)
                            or MEETING_WORDS.search(prev)) or self.by_turn[t][-1] != i \
                or t + 1 >= len(self.turns) or self.turns[t + 1].speaker == u.turn.speaker:
            return None
        named = self.meeting_name(i) or next((self.meeting_name(j) for j in self.by_turn[t] if i - 2 <= j < i), "")
        if named:
            self.proposed = (named, t)
        reply = " ".join(self.units[j].sentence for j in self.by_turn.get(t + 1, [])[:2])
        after = self.turns[t + 2].text if t + 2 < len(self.turns) else ""
        if REFUSE.search(reply) or NOT_FREE.search(reply) or NOT_FREE.search(after) or not (
                AFFIRM.search(reply) or re.search(r"\bworks?\b", reply, re.I) or DAY_OK.match(reply)
                or self.pick_date(reply) == date and not QUESTION_END.search(self.units[self.by_turn[t + 1][0]].sentence)):
            return None  # "The Thursday after next, that's the fourteenth? That's Kristi himmelfärd." - "Ah, Ascension Day, sorry."
        if re.search(r"\b(?:no(?![\s,]+(?:problem|worries|doubt)\b)|not|can['’]?t|cannot|won['’]t|wait)\b", self.turns[t + 1].text, re.I) \
                and not re.search(r"\bworks?\b", reply, re.I):
            return None  # "The nineteenth. Let me check. Ah, no, wait, that week I'm away."
        speaker = self.owner_of(u.turn.speaker)
        owner = speaker if speaker in self.colleagues() else self.rep if self.rep in self.speaker_owners else speaker
        text = self.make_text(MEET_Q_OPENER.sub("", s[m.start():]).rstrip(" ?"), i, owner)
        named = "" if MEET_NOUN.search(s) else named or self.meeting_before(i)
        if named:  # "Next thing is kickoff. ... Are you free first thing Monday?" - "Monday's good. Seven-thirty."
            clock = spoken_time(reply)
            text = named if "," in named or not clock else f"{named}, {clock}"
        elif not _content(text, self.ctx.call_date):
            text = f"Follow-up call, {text[:1].lower()}{text[1:]}"  # "Same time next week?"
        if f"{date.day} {date:%B}" not in text:
            text = f"{text} ({date:%A} {date.day} {date:%B})"
        reply_units = [self.units[j] for j in self.by_turn.get(t + 1, [])[:1]]
        self.add(text, owner, date, bool(TENTATIVE.search(s + " " + reply)), [u, *reply_units], i, meeting=True,
                 date_order=i)
        return m.start(), m.end()

    def colleagues(self) -> set[str]:
        """Vendor colleagues on the call: speakers who are not CRM contacts, introduced by the rep as theirs."""
        if self._colleagues is None:
            contacts = {c.Name for c in self.ctx.snapshot.Contacts}
            rep_lines = [u.sentence for u in self.units if self.owner_of(u.turn.speaker) == self.rep
                         and COLLEAGUE_CUE.search(u.sentence)]
            found = set()
            for sp in self.speakers_on_call:
                who = self.owner_of(sp)
                if who in contacts or who == self.rep or self.is_label(sp):
                    continue
                first = re.escape(TITLE.sub("", who).split()[0])
                # "I've brought Sunita along", "my colleague Sam", "Kenji, our solutions engineer", "our SE, Kenji",
                # "Sunita ..., she'll be your customer success manager"
                near = re.compile(rf"(?:{COLLEAGUE_CUE.pattern})\W+(?:[\w'’-]+\W+){{0,2}}{first}\b|"
                                  rf"\b{first}\b(?:\W+[\w'’-]+){{0,3}}\W+(?:{COLLEAGUE_ROLE.pattern})", re.I)
                if any(near.search(line) for line in rep_lines):
                    found.add(who)
            self._colleagues = found
        return self._colleagues

    def recap_meeting(self, i: int, u: Unit) -> bool:
        """A recap line that names only a meeting and its date: the meeting step (merged with the one agreed)."""
        s = u.sentence
        m = RECAP_MEETING.match(s)
        if not m or QUESTION_END.search(s) or FUTURE.search(s):
            return False
        spans = self.dates_in(s)
        if not spans:
            return False
        date = spans[0][2]
        owner = self.rep if self.rep in self.speaker_owners else self.owner_of(u.turn.speaker)
        text = self.make_text(re.sub(r"^(?:and|then|also)\s+", "", s.rstrip(".!"), flags=re.I), i, owner)  # it says its date already
        st = self.add(text, owner, date, bool(TENTATIVE.search(s)), [u], i, strong=False, meeting=True, date_order=i)
        if st is not None:
            st.recap = True
        return st is not None

    def recent(self, owner: str, turn: int, window: int = 4) -> _Step | None:
        return next((st for st in reversed(self.steps) if st.owner == owner and turn - st.turn <= window), None)

    def clause(self, i: int, u: Unit, clause: str, owner: str, strong: bool, kind: str, modal: str,
               inherited: dt.date | None, before: str, in_recap: bool, n: int, hedge_text: str) -> _Step | None:
        s = u.sentence
        body = clause
        if kind == "you" and owner == self.owner_of(u.turn.speaker):
            body = re.sub(r"^(?:have|get|receive)\b", "send", body, flags=re.I)  # "You'll receive the invoice Tuesday"
        sub = SUBORDINATE.search(body)
        date_text = body[:sub.start()] if sub else body
        due = self.pick_date(date_text)
        if due is None and before and self.dates_in(before) and not (
                _words(_undated(before, self.ctx.call_date)) - FILLER - {"i", "we", "so", "and", "then", "also", "let", "me", "recap"}):
            due = self.dates_in(before)[-1][2]  # "Tomorrow, Thursday the sixth, I send the formal proposal"
        date_order = i if due else -1
        is_invite = bool(INVITE.search(body)) and re.match(r"(?:send|resend|update|move|put|book|set)s?\b", body, re.I)
        pronoun = bool(PRONOUN_OBJ.match(body.strip()) or re.match(r"(?:do|have)\s+(?:it|that|this)\b", body.strip(), re.I)
                       or re.match(r"make sure (?:it|that|this|they|those|them)\b", body.strip(), re.I))
        if due is None and re.search(r"\b(?:the same day|that same day|that day)\b", body, re.I) and body in s:
            prior = self.dates_in(s[:s.find(body)])
            if prior:
                due, date_order = prior[-1][2], i
        sends_it = SENDS_IT.match(body.strip()) if pronoun and s.find(body) > 0 else None
        lead = s[:s.find(body)] if sends_it and re.match(r"(?:send|return|share|forward|circulate)\b", body.strip(), re.I) else ""
        named = [m.group("np") for m in THING.finditer(_scrub(lead))] if lead and not COND_FIRST.match(lead) \
            and not re.match(r"\W*(?:and |but |so )?(?:if|once|when|as soon as|assuming|after)\b", lead, re.I) else []
        if named:  # "Daniel sends the questionnaire Tuesday, and we return it by the 21st": "it" is named right there
            body, pronoun = f"{sends_it.group(1)} the {named[-1]}{body.strip()[sends_it.end():]}", False
        if due is None and inherited:
            due, date_order = inherited, i
        if due is None and is_invite and not self.dates_in(body):
            due = self.date_before(i)  # a bare "I'll send the invite" follows the meeting's agreed day, not the next date said
            date_order = i if due else -1
        if due is None:
            d, j = self.date_after(i, owner)
            if d:
                due, date_order = d, j
        if due is None and not is_invite and modal != "let":
            d, j = self.date_fragment_before(i)
            if d:
                due, date_order = d, j
        if due is None and pronoun and self.accepted_ask(u):
            asked = [j for j in self.by_turn.get(u.turn_index - 1, []) if REQUEST.search(self.units[j].sentence)
                     or QUESTION_END.search(self.units[j].sentence)]
            d = self.pick_date(self.units[asked[-1]].sentence) if asked else None
            if d:  # "Tom, can you set up the sandbox by Friday?" - "I can do that."
                due, date_order = d, asked[-1]
        if due is None and re.search(r"\b(?:that|the same) (?:session|meeting|call|walkthrough|workshop|demo|kickoff|kick-off|"
                                     r"visit|review)\b", body, re.I):
            due = self.date_before(i)  # "I'll bring Jo along to that session": the session's day, said just before
            date_order = i if due else -1
        body_m = BODY_STEP.search(body) if due is None else None
        if body_m:  # "I'll take it to the board" ... "the board doesn't sit until the 21st of July"
            due = self.body_sits(body_m.group("body"))
            date_order = i if due else -1
        if due is None and is_invite:
            due = self.date_before(i)
            date_order = i if due else -1
            hedge_text = hedge_text + (" tentatively" if due and self.before_hedged else "")
        tentative = bool(TENTATIVE.search(INDIRECT_Q.sub(" ", hedge_text)) or TURN_HEDGE.search(u.turn.text))
        nxt = [j for j in self.by_turn[u.turn_index] if j > i][:1]
        if nxt and RETRACT.search(self.units[nxt[0]].sentence):
            tentative = True  # "..., no, actually, let me not promise that"
        if COND_FIRST.match(s) and not POLITE_IF.match(s):
            tentative = True  # "If the DPA is fine, I can finish the review by Friday": conditional
        t = u.turn_index
        if modal in ("can", "could") and t + 1 < len(self.turns) and self.turns[t + 1].speaker != u.turn.speaker \
                and SOFT_YES.search(self.turns[t + 1].text):
            tentative = True  # "I can put together a one-pager." - "Sure, whenever. No rush."
        # present tense ("I send", "Ravi ships") is a promise in a recap or with a date said with it
        if modal in ("", "present") and kind == "self" and not (in_recap or self.pick_date(date_text)):
            return None
        if modal in ("", "present") and kind == "you" and not (in_recap or self.pick_date(date_text)):
            return None
        if modal in ("'m", "'re", "am", "are", "is", "'s") and not (in_recap or self.pick_date(date_text)):
            return None  # "I'm testing every vendor": an activity, not a promise, unless a date is given
        if modal in ("'m", "'re", "am", "are", "is", "'s") and not in_recap \
                and _base(body.split()[0]) not in DELIVERABLE and not {"it", "this", "that", "them", "you", "your"} & set(re.findall(r"[a-z]+", _undated(body, self.ctx.call_date).lower())):
            return None  # "I'm presenting at the summit on Thursday": the speaker's own diary, not a promise to the call
        if modal == "let" and due is None and not BACK_TO_YOU.search(body):
            return None  # "let me check" is often done on the call; "... and get back to you" is a promise
        if modal == "can" and (due is None or re.search(r",?\s+or\s+(?:we|you|I)\b", body)) \
                and not self.accepted(u, strong=not strong) and not (due is None and self.accepted_ask(u) and re.match(r"do (?:it|that|this)\b", body.strip(), re.I)):
            return None  # an offer nobody took up
        if modal == "can" and re.match(r"do (?:it|that|this|so)\b", body.strip(), re.I) \
                and not self.accepted_ask(u):
            return None  # "we can do that": agreement, not an action
        if modal == "can" and re.search(r"\bif\b", s[:s.find(body)] if body in s else ""):
            return None
        if re.search(r"\b(?:I|we) can\b", s) and self.refused(u):
            return None
        main = re.sub(r",\s+(?:(?:to be honest|honestly|mind you),?\s+)?(?:it|that|this|which|though|but|not sure)\b.*$", "", body)
        if due is None and re.search(r"\b(?:right )?now\b", main) and not re.match(r"(?:send|email|forward|share)\b", body.strip(), re.I):
            return None  # "I'll walk you through it now": done on the call, not after it
        if due is None and not in_recap and (IN_CALL.search(body) or AGENDA.match(body.strip())):
            return None  # "We'll cover pricing later in the call", "I'll answer your question first": the call's agenda
        if PERSONAL.search(body):
            return None  # "I'll bring the kids to the zoo on Saturday", "I'll bring cake": life, not the deal
        if ROOM.match(body.strip()):
            host = next((st for st in reversed(self.steps) if st.meeting and u.turn_index - st.turn <= 2), None)
            if host is not None:  # "Wednesday works. I'll book a room.": the meeting's logistics
                host.units.append(u)
                return host
        at_meeting = re.search(r"\b(?:at|during|in) (?:the|that|our) (kickoff|kick-off|workshop|meeting|session|demo|"
                               r"walkthrough|call|review)\b", body, re.I) if due is None else None
        if at_meeting:
            mine = [st for st in self.steps if st.meeting and st.owner == owner]
            named = [st for st in mine if at_meeting.group(1).lower() in st.text.lower()]
            host = named[-1] if named else mine[0] if len(mine) == 1 else None
            if host is not None:  # "We'll build the plan from that at the kickoff": what happens in the kickoff
                host.units.append(u)
                return host
        if re.match(r"(?:join|attend)\b", body.strip(), re.I) and due is None:
            return None  # "Felix will also join": only a step when it names the meeting's date
        # "I'll put it in the offer", "in the same email", "with the rest": part of a step already said
        attach: set[str] = set()
        revised = REVISED_WITH.search(body)
        if revised and not re.match(r"(?:send|share|get|give|provide|forward|email)\b", body.strip(), re.I):
            attach = {revised.group(1).lower(), revised.group(2).lower()}
        if PUT_IN.match(body.strip()):
            attach = {PUT_IN.match(body.strip()).group(1).lower()}
        if due and re.search(r"\b(?:too|as well)\s*[.!]?\s*$", body):
            same_day = next((st for st in reversed(self.steps) if st.owner == owner and st.due == due), None)
            if same_day is not None:  # "I'll include the SOC 2 report on Tuesday too"
                same_day.units.append(u)
                same_day.mentions += 1
                return same_day
        put_in = PUT_IN.match(body.strip())
        if put_in or ATTACH.search(body):
            noun = put_in.group(1).lower() if put_in else ""
            for st in reversed(self.steps):
                if st.owner == owner and (noun and noun in st.words or not noun and u.turn_index - st.turn <= 1):
                    st.units.append(u)
                    st.mentions += 1
                    return st
        need = self.need_before(i) if pronoun and kind == "self" and (due or not modal == "can") else None
        if need:  # "I need to raise the PO. I'll have it raised by Thursday week." -> "Raise the PO"
            body, pronoun = need, False
        if pronoun and not (_words(before) - FILLER - {"then", "and", "but", "sure", "also"}) and not self.accepted_ask(u) \
                and not WALK_THROUGH.search(body):  # "I send the proposal Tuesday. We walk through it Thursday.": a meeting, not a new date
            prev = self.recent(owner, u.turn_index)
            if prev is not None:
                if due and (prev.due is None or prev.turn == u.turn_index or due < prev.due):
                    prev.due, prev.date_order = due, date_order
                prev.units.append(u)
                prev.mentions += 1
                return prev
        if pronoun and re.match(r"(?:do|handle|sort|send|get|have)\s+(?:it|that|this)\b", body.strip(), re.I) \
                and self.accepted_ask(u):
            req = self.request_action(u)
            if req:  # "Can one of you send me the org chart?" - "I can do that, tomorrow." -> "Send Rita the org chart"
                tail = re.sub(r"^\w+\s+(?:it|that|this)\b[,\s]*", "", body.strip(), flags=re.I)
                body, before = f"{req} {tail}".strip(), ""
                asker = self.owner_of(self.turns[u.turn_index - 1].speaker)
                if asker != owner:
                    body = re.sub(r"\b(me|us)\b", TITLE.sub("", asker).split()[0], body, count=1)
        text = self.make_text(body, i, owner, before)
        cond = re.search(r",?\s+((?:if|when|once|after) (?:he|she|they|it|that|we|you|I|things|the \w+) [^,.;!?]{2,40})\s*[.!]?\s*$",
                         body) if tentative else None
        if cond and cond.group(1) not in text and len(text) < 150:
            text = text + cond.group(0).rstrip(" .!")  # the condition is the point of a hedged step: "..., if he agrees"
        if DELIVER.match(text) and not pronoun and not in_recap:
            text = self.with_details(text, i)
        if is_invite:
            later = [d for _, _, d, _ in self.dates_in(body) if d != due and d > self.ctx.call_date]
            meeting_date = later[-1] if later else (due if due and due > self.ctx.call_date else self.date_before(i))
            if meeting_date and f"{meeting_date.day} {meeting_date:%B}" not in text:
                text = f"{text} ({meeting_date:%A} {meeting_date.day} {meeting_date:%B})"
            said_here = any(d == meeting_date for _, _, d, _ in self.dates_in(body))
            if due and meeting_date and meeting_date > due and not tentative:
                # "Wednesday the 22nd at ten." ... "I'll send the invite today", "I'll send the invite today for the demo on
                # Tuesday the 19th at 10:15": the invite today, the meeting on its day
                what = _meeting_name(body) if later else ""
                clock = spoken_time(body) if what else ""
                what = f"{what}, {clock}" if what and clock else what or self.meeting_before(i)
                if what:
                    self.add(f"{what} ({meeting_date:%A} {meeting_date.day} {meeting_date:%B})", owner, meeting_date,
                             bool(not later and self.before_hedged), [u], i, meeting=True, date_order=i)
            if due and due == meeting_date and not SEND_WHEN.search(body) and said_here:
                due = None  # "I'll send the invite for the 17th": the meeting's day, not a send date
            # a bare "I'll send the invite" after the meeting was agreed: the step is the meeting, due that day
            if due and due == meeting_date and not said_here and not SEND_WHEN.search(body):
                what = self.meeting_before(i)
                if what:
                    text = f"{what} (send invite) ({meeting_date:%A} {meeting_date.day} {meeting_date:%B})"
                    # "let's book a trial review once ..." said earlier: that booking is this meeting, now dated
                    head = " ".join(re.findall(r"[a-z]+", what.lower().split(",")[0])[:3])
                    self.steps = [st for st in self.steps if not (st.owner == owner and st.due != meeting_date
                                  and re.match(r"(?:book|schedule|set up|arrange|organi[sz]e) (?:a|an|the) ", st.text, re.I)
                                  and head and head in st.text.lower())]
        if due is None and SCOPE.search(body) or OWN_BUSINESS.match(body.strip()):
            return None  # "we'll do a session with the floor teams as part of the rollout", "we open the new store in May"
        lead = s[:s.find(body)] if body in s else ""
        if re.search(r"\bif you (?:still )?(?:need|require)\b[^.?!]*\b(?:send|give|get|pass|forward) (?:me|us)\b", lead, re.I):
            return None  # "if you need the original, send me an envelope and I'll post it back": waits on the listener
        if pronoun and self.accepted_ask(u) and self.agrees_to_meet(u):
            return None  # "Could we do thirty minutes in a fortnight?" - "Yes, I can do that.": the meeting, not a task
        core = _content(re.sub(r"\(.*\)", "", text), self.ctx.call_date) - GENERIC - self.first_names
        if not core and due is None and not pronoun:
            return None  # "I'll ask.", "I'll check.": nothing to act on
        st = self.add(text, owner, due, tentative, [u], i, strong=strong, date_order=date_order,
                      vague=not core or pronoun)
        if st is not None:
            st.empty, st.recap, st.attach = not core, in_recap, attach
            st.soft = modal in ("can", "could", "'d", "would")
        return st

    def with_details(self, text: str, i: int) -> str:
        """"I'll send the revised quote tomorrow. Three-year term, 98.5K a year, same scope." -> the details
        said right after a deliverable belong to the step."""
        u = self.units[i]
        nxt = [j for j in self.by_turn[u.turn_index] if j > i][:1]
        if not nxt:
            return text
        frag = self.units[nxt[0]].sentence
        if QUESTION_END.search(frag) or NOT_FRAGMENT.match(frag) or self.is_step_unit(self.units[nxt[0]]) \
                or self.vocative(frag, u.turn.speaker) or re.search(r"\b(?:I|we|you|he|she|they)\b", frag) \
                or frag.split()[0].strip(",").lower() in self.canon:
            return text
        if len(_words(frag)) < 3 or len(frag.split()) > 30 or not _content(frag, self.ctx.call_date) or has_contact_details(frag):
            return text
        joined = f"{text}: {frag.rstrip('.!')}"
        return joined if len(joined) <= 220 else text

    def asked_detail(self, action: str, idx: int) -> str:
        """"Send me a formal proposal at the hundred and fourteen." - "I'll have the proposal over to you ...": the
        step names the thing as it was asked for, with the words the asker put on it."""
        u = self.units[idx]
        m = re.match(r"\w+(?: \w+)?\s+the ([a-z][a-z-]{3,})\b", action)
        t = u.turn_index
        if not m or t == 0 or self.turns[t - 1].speaker == u.turn.speaker:
            return action
        noun = m.group(1)
        for j in self.by_turn.get(t - 1, []):
            s = self.units[j].sentence
            if has_contact_details(s) or not (REQUEST.search(s) or QUESTION_END.search(s) or IMPERATIVE.match(s)):
                continue
            a = re.search(rf"\b(?:a|an|the|your|that)\s+((?:[a-z][\w-]*\s+){{1,3}}?){noun}\b"
                          rf"((?:\s+(?:at|for|with|covering|on) [^,.;?!]{{2,40}}?)?)(?=\s+and\s+(?:I|we|you|he|she|they)\b|\s+(?:so|by|before|if)\b|[,.;?!]|$)", s)
            if a and a.group(1).strip() and not re.search(r"\b(?:me|you|us|it|this|that)\b", a.group(1)):
                return action[:m.start(1)] + a.group(1) + noun + a.group(2) + action[m.end(1):]
        return action

    def body_sits(self, body: str) -> dt.date | None:
        """The date the call gives for the board or committee meeting ("the board sits on the 21st of July",
        "the committee doesn't meet until June 3"), or None."""
        rx = re.compile(rf"\b(?:the|our) {re.escape(body)} (?:next |only )?(?:sits|meets|convenes|is|doesn['’]t (?:sit|meet|convene) "
                        rf"until|does not (?:sit|meet|convene) until|won['’]t (?:sit|meet) until)\b", re.I)
        for v in self.units:
            m = rx.search(v.sentence)
            if m and not QUESTION_END.search(v.sentence):
                later = [d for _, _, d, _ in self.dates_in(v.sentence[m.end():]) if d > self.ctx.call_date]
                if later:
                    return later[0]
        return None

    def agrees_to_meet(self, u: Unit) -> bool:
        """The other speaker's last question, just before, proposes meeting together ("could we do thirty minutes
        next week?", "shall we get everyone on a call?")."""
        asked = [j for j in self.by_turn.get(u.turn_index - 1, []) if QUESTION_END.search(self.units[j].sentence)]
        if not asked:
            return False
        q = self.units[asked[-1]].sentence
        return bool(re.search(r"\b(?:could|can|shall|should) we\b", q, re.I)
                    and (MEETING_WORDS.search(q) or re.search(r"\b(?:minutes|half an hour|an hour)\b", q, re.I)))

    def accepted_ask(self, u: Unit) -> bool:
        """The previous turn (someone else) asked for something this turn agrees to do."""
        t = u.turn_index
        if t == 0 or self.turns[t - 1].speaker == u.turn.speaker:
            return False
        prev = self.by_turn.get(t - 1, [])
        return any(REQUEST.search(self.units[j].sentence) or re.search(r"\bplease\b", self.units[j].sentence, re.I)
                   or NEED_ASK.search(self.units[j].sentence)
                   or QUESTION_END.search(self.units[j].sentence) and YOU_WILL_Q.search(self.units[j].sentence)
                   or QUESTION_END.search(self.units[j].sentence) and WE_ASK.match(self.units[j].sentence)
                   for j in prev)

    def asked_for(self, s: str) -> str:
        """Requests without "can you": "Can we get the security docs by Friday?" -> "send the security docs by
        Friday"; "The export, when can we expect it?" -> "send the export"; "Who's sending the agenda?" ->
        "send the agenda"."""
        imp = IMPERATIVE.match(s)
        if imp and not QUESTION_END.search(s) and imp.group("verb").lower() in DELIVERABLE - {"put", "set", "get", "confirm"} \
                and _base(imp.group("verb")) == imp.group("verb").lower() and len(s[imp.end():].split()) >= 2:
            return s[imp.start("verb"):].rstrip(" .!")  # "Send me the deck by Friday." - "Will do."
        if not QUESTION_END.search(s):
            return ""
        m = ASK_GET.search(s)
        if m:
            return "send " + s[m.end():].rstrip(" ?")
        m = ASK_WHEN.search(s)
        if m:
            obj = s[m.end():].rstrip(" ?").strip()
            if not obj or re.fullmatch(r"(?:it|that|this|them|those)", obj, re.I):
                obj = re.sub(r"^(?:and|so|okay|ok|now|then)\b[, ]*", "", s[:m.start()].strip(" ,"), flags=re.I)
            give = re.search(r"\b(?:decision|answer|feedback|response|go-ahead|verdict|sign-off)\b", obj, re.I)
            return f"{'give' if give else 'send'} {obj}" if _words(obj) and len(obj.split()) <= 8 else ""
        m = ASK_WHO.search(s)
        if m and _base(m.group("verb")):
            return _base(m.group("verb")) + s[m.end():].rstrip(" ?")
        return ""

    def request_action(self, u: Unit) -> str:
        """What the other side asked for in the turn before: "Can one of you send me the org chart?" -> "send me
        the org chart"."""
        for j in reversed(self.by_turn.get(u.turn_index - 1, [])):
            sent = self.units[j].sentence
            m = REQUEST.search(sent)
            y = YOU_WILL_Q.search(sent) if QUESTION_END.search(sent) else None
            start = y.start("verb") if y else -1
            if m:
                verb = next(g for g in (m.group("verb"), m.group("verb2"), m.group("verb3"), m.group("verb4")) if g)
                start = m.end() - len(verb)
            if start >= 0 and not has_contact_details(sent):
                action = re.sub(r",?\s*(?:please|right|yes|correct|okay|ok)?\s*[?.!]+$", "", sent[start:]).strip()
                if self.valid_verb(action.split()[0], action) and len(action.split()) >= 2:
                    return action
        return ""

    def refused(self, u: Unit) -> bool:
        t = u.turn_index
        if t + 1 < len(self.turns) and self.turns[t + 1].speaker != u.turn.speaker:
            return bool(REFUSE.search(self.turns[t + 1].text))
        return False

    def accepted_requests(self) -> None:
        """"Can you send me X?" - "Will do." / "Sure, by Thursday." -> the one who accepts owns X."""
        for i, u in enumerate(self.units):
            m = REQUEST.search(u.sentence)
            if PAST.search(u.sentence):
                continue
            yq = YOU_WILL_Q.search(u.sentence) if not m and QUESTION_END.search(u.sentence) else None
            if yq:  # "Rita, you'll send us the SOC 2 report?" - "Yes, today."
                verb = yq.group("verb")
                rest = re.sub(r",\s*(?:right|yes|correct|okay|ok|yeah)\s*\?$", "", u.sentence[yq.start("verb"):])
            elif m:
                verb = next(g for g in (m.group("verb"), m.group("verb2"), m.group("verb3"), m.group("verb4")) if g)
                rest = u.sentence[m.end() - len(verb):]
            else:
                rest = self.asked_for(u.sentence)
                if not rest:
                    continue
                verb = rest.split()[0]
            if not self.valid_verb(verb, rest):
                continue
            t = u.turn_index
            # the request must be the last thing said in its turn (or be followed only by what it asks for: "Could
            # you get me the SSO details? The IdP metadata and the attribute names."), answered by someone else
            after = [j for j in self.by_turn[t] if j > i]
            detail = self.units[after[0]].sentence if len(after) == 1 and QUESTION_END.search(u.sentence) else ""
            if detail and (QUESTION_END.search(detail) or NOT_FRAGMENT.match(detail) or FUTURE.search(detail)
                           or len(detail.split()) > 20 or has_contact_details(detail) or self.dates_in(detail)):
                detail = ""
            # "Send it to AP, please. ap@acme.com." / "... Thanks.": a contact detail or a courtesy after the request
            only_contact = after and len(after) <= 3 and all(
                (has_contact_details(self.units[j].sentence) and len(self.units[j].sentence.split()) <= 12
                 or len(self.units[j].sentence.split()) <= 2) and not QUESTION_END.search(self.units[j].sentence)
                for j in after)
            if (after and not detail and not only_contact) or t + 1 >= len(self.turns) \
                    or self.turns[t + 1].speaker == u.turn.speaker:
                continue
            idxs = self.by_turn.get(t + 1, [])
            if not idxs:
                continue
            reply = self.units[idxs[0]]
            reply_text = " ".join(self.units[j].sentence for j in idxs[:2])
            if any(self.units[j] in st.units for st in self.steps for j in idxs[:2]):
                continue  # the reply has its own "I'll ..." commitment
            short_yes = AFFIRM.search(reply.sentence) and len(reply.sentence.split()) <= 5 and not REFUSE.search(reply.sentence) \
                and len(self.turns[t + 1].text.split()) <= 12
            date_only = WHEN_Q.search(u.sentence) and self.pick_date(reply.sentence) and len(reply.sentence.split()) <= 6
            if not (ACCEPT_ONLY.search(reply.sentence) or AFFIRM.search(reply.sentence) and self.pick_date(reply_text)
                    or short_yes or date_only):
                continue
            owner = self.owner_of(reply.turn.speaker)
            along = re.search(r"\b(?:with|in|alongside) (?:the|my|our) ([\w-]+)", reply.sentence, re.I) \
                if len(reply.sentence.split()) <= 8 else None
            host = next((st for st in reversed(self.steps) if along and st.owner == owner
                         and along.group(1).lower() in st.words), None)
            if host is not None:  # "Can you also send the data sheet?" - "Sure, with the proposal."
                wanted = self.make_text(re.sub(r"[?.!]+$", "", rest).strip(), i, owner)
                joined = f"{host.text}; {wanted[:1].lower()}{wanted[1:]}"
                host.text = joined if len(joined) <= 200 else host.text
                host.units.extend(x for x in (u, reply) if x not in host.units)
                host.mentions += 1
                continue
            due = self.pick_date(reply_text) or self.pick_date(rest)
            date_order = idxs[0] if due else -1
            if due is None:  # "Of course. When do you need it?" - "By Thursday." - "Thursday it is."
                due, date_order = self.date_after(idxs[0], owner)
            text = re.sub(r",?\s*please\s*$", "", re.sub(r"[?.!]+$", "", rest).strip(), flags=re.I)
            text = self.make_text(text, i, owner)
            asker = self.owner_of(u.turn.speaker)
            if asker != owner and not self.is_label(u.turn.speaker):
                # "Could you send me X?" - "Sure." -> "Send Rita X"
                text = re.sub(r"\b(me|us)\b", TITLE.sub("", asker).split()[0] if asker else r"\1", text, count=1)
            if detail and len(text) + len(detail) < 200:
                text = f"{text}: {detail.rstrip('.!')}"
            st = self.add(text, owner, due, bool(TENTATIVE.search(reply_text)), [u, reply], idxs[0],
                          date_order=date_order)
            if st is not None:
                st.soft = not re.search(r"\b(?:I['’]ll|I will|will do)\b", reply_text, re.I)

    # --- dedup --------------------------------------------------------------------------------
    def same(self, a: _Step, b: _Step) -> bool:
        if a.meeting and b.meeting and a.due == b.due:
            return True
        if (a.meeting or b.meeting) and a.due == b.due and (INVITE.search(a.text) or INVITE.search(b.text)):
            return True
        if (a.meeting and INVITE.search(b.text) and b.due is None or b.meeting and INVITE.search(a.text) and a.due is None) \
                and (abs(a.turn - b.turn) <= 2 or any(m.due and f"({m.due:%A} {m.due.day} {m.due:%B})" in o.text
                                                      for m, o in ((a, b), (b, a)))):
            return True  # "We do the workshop on the 9th. I'll send the invite.": the invite is part of the meeting
        if a.turn == b.turn and (a.due is None) != (b.due is None) and not (a.meeting or b.meeting) \
                and not (INVITE.search(a.text) or INVITE.search(b.text)) \
                and abs(a.order - b.order) <= 2 and not self.is_label(a.units[0].turn.speaker) \
                and not (a.order == b.order and a.strong_owner != b.strong_owner and not (a.vague or b.vague)):
            return True  # but "I'll send X by Wednesday, and our legal team will share Y": two steps
        if a.due and a.due == b.due and (a.empty or b.empty or (a.vague or b.vague)
                                         and (abs(a.turn - b.turn) <= 3 or a.recap or b.recap)):
            return True
        if a.order == b.order and a.due and a.due == b.due and not (a.recap or b.recap) \
                and (a.vague or b.vague or a.meeting or b.meeting or not a.strong_owner and a.soft
                     or not b.strong_owner and b.soft):  # "... and we can do the walkthrough that afternoon"
            return True
        if (a.vague and a.due is None or b.vague and b.due is None) and abs(a.turn - b.turn) <= 2:
            return True
        if a.turn == b.turn and abs(a.order - b.order) <= 1 and (a.vague or b.vague) and not (a.meeting or b.meeting):
            return True  # "I'll chase them today. You'll have their comments Thursday week.": one step
        if INVITE.search(a.text) and INVITE.search(b.text) and (a.due == b.due or not a.due or not b.due):
            return True
        if not a.words or not b.words:
            return False
        shared = len(a.words & b.words)
        small = min(len(a.words), len(b.words))
        ratio = shared / small
        if a.due and b.due and a.due == b.due:
            return ratio >= 0.25 and shared >= 2 or ratio >= 0.5
        if a.due and b.due and a.due != b.due:
            return ratio >= 0.6 and shared >= 3
        return ratio >= 0.4 and shared >= 2 or ratio >= 0.6

    def merge(self) -> list[_Step]:
        out: list[_Step] = []
        for st in sorted(self.steps, key=lambda x: x.order):
            target = None
            for o in out:
                if o.meeting and st.meeting and o.due == st.due and (not st.strong_owner or not o.strong_owner):
                    target = o  # the recap line of a meeting someone else set up
                    break
                if o.owner == st.owner and self.same(o, st):
                    target = o
                    break
                if o.owner != st.owner and not o.strong_owner and not st.strong_owner and o.due == st.due \
                        and o.due is not None and o.text.split()[0].lower() == st.text.split()[0].lower():
                    target = o
                    if not o.strong_owner and st.strong_owner:
                        o.owner, o.strong_owner = st.owner, True
                    break
            if target is None and st.recap and st.due:
                # a recap line restating the only step this person has for that date, in other words
                same_day = [o for o in out if o.owner == st.owner and o.due == st.due and not o.meeting]
                if not same_day:
                    same_day = [o for o in out if o.owner == st.owner and o.due is None and o.vague and not o.meeting]
                if not same_day:  # "I can send you twenty." ... recap: "Marte sends twenty sample invoices by Wednesday"
                    same_day = [o for o in out if o.owner == st.owner and o.due is None and not o.meeting and not o.tentative
                                and (o.words & st.words) and (len(o.words) <= 3 or len(o.words & st.words) >= 2)]
                if len(same_day) == 1 and not st.meeting and (same_day[0].vague or _related(same_day[0].words, st.words)):
                    target = same_day[0]
            if target is None and st.recap and st.meeting and st.due and st.tentative and not st.strong_owner \
                    and not any(o.meeting and o.due == st.due for o in out):
                # a recap line naming only a hedged meeting and its day ("And a tentative demo on Thursday"),
                # where the one hedged step for that day is someone's ("I need to check their calendars")
                same_day = [o for o in out if o.due == st.due and o.tentative and not o.recap]
                if len(same_day) == 1:
                    target = same_day[0]
                    target.strong_owner = True
            if target is None:
                out.append(st)
                continue
            target.mentions += 1
            target.units.extend(x for x in st.units if x not in target.units)
            if st.due and (target.due is None or st.date_order >= target.date_order):
                target.due, target.date_order = st.due, st.date_order
            target.tentative = target.tentative and st.tentative
            target.soft = target.soft and st.soft
            if st.turn == target.turn and not st.vague and not target.vague and st.text not in target.text \
                    and not _content(st.text, self.ctx.call_date) <= _content(target.text, self.ctx.call_date) | {"we"}:
                joined = f"{target.text}; {st.text[:1].lower()}{st.text[1:]}"
                target.text = joined if len(joined) <= 200 else target.text
            elif (len(_content(re.sub(r"\(.*\)", "", st.text), self.ctx.call_date))
                  >= len(_content(re.sub(r"\(.*\)", "", target.text), self.ctx.call_date)) - (1 if st.recap and not _clipped_only(st.words, target.words) else 0)) \
                    and not st.vague or target.vague and not st.vague:
                kept = re.search(r" \([^()]*\)$", target.text) if target.vague else None
                target.text = st.text + (kept.group(0) if kept and "(" not in st.text else "")
                target.vague = False
            target.words |= st.words
            target.turn = max(target.turn, st.turn)
        # a step dated only by a later mention meets its same-day restatements said before that mention
        for st in list(out):
            host = next((o for o in out if o is not st and o.order < st.order and o.owner == st.owner
                         and o.due is not None and o.due == st.due and not (o.meeting or st.meeting)
                         and o.date_order > st.order and self.same(o, st)), None)
            if host is not None:
                host.units.extend(x for x in st.units if x not in host.units)
                host.mentions += 1
                host.words |= st.words
                out.remove(st)
        # an undated "I'll add a clarifying sentence" / "I'll include the setup guide": a part of a deliverable
        # the same person owns, said near it
        for st in [x for x in out if x.due is None and not x.meeting
                   and re.match(r"(?:add|include|attach|mention)\b", x.text, re.I)]:
            gap = {id(o): min(abs(x.turn_index - st.turn) for x in o.units) for o in out}
            near = [o for o in out if o is not st and o.owner == st.owner and not o.meeting and gap[id(o)] <= 12]
            if near:
                host = min(near, key=lambda o: gap[id(o)])
                joined = f"{host.text}; {st.text[:1].lower()}{st.text[1:]}"
                host.text = joined if len(joined) <= 200 else host.text
                host.units.extend(x for x in st.units if x not in host.units)
                host.mentions += 1
                host.words |= st.words
                out.remove(st)
        for st in [x for x in out if x.attach]:
            host = next((o for o in out if o is not st and o.owner == st.owner and o.words & st.attach
                         and (o.due is None or st.due is None or o.due == st.due)), None)
            if host is not None:
                host.units.extend(x for x in st.units if x not in host.units)
                host.mentions += 1
                out.remove(st)
        return out


# Words that name the same kind of action, for telling a recap line in other words from a new step.
KIN = {"decision": "answer", "decide": "answer", "feedback": "answer", "response": "answer", "respond": "answer",
       "reply": "answer", "back": "answer", "meeting": "call", "session": "call", "meet": "call", "sync": "call",
       "catch": "call", "workshop": "call", "demo": "call", "review": "review", "comments": "review", "look": "review",
       "check": "review", "proposal": "offer", "quote": "offer", "offer": "offer", "pricing": "offer",
       "contract": "paper", "msa": "paper", "agreement": "paper", "order": "paper", "form": "paper",
       "invite": "invite", "invitation": "invite", "calendar": "invite", "intro": "introduce",
       "introduction": "introduce", "introduce": "introduce", "loop": "introduce", "connect": "introduce"}


# what the offering includes, not a step after this call
SCOPE = re.compile(r"\bas (?:a )?part of (?:the|our|your|a) (?:[\w-]+ )?(?:rollout|roll-out|implementation|onboarding|project|package|"
                   r"service|subscription|contract|deployment|go-live|licen[cs]e|programme|program)\b", re.I)
# the customer's own business calendar: opening a site, starting a season
OWN_BUSINESS = re.compile(r"^(?:start|starts|open|opens|launch|launches|move into|moves into)\s+(?:the|our|a)\s+(?:new\s+)?"
                          r"(?:site|store|shop|plant|factory|office|warehouse|branch|location|clinic|hotel|restaurant|depot|"
                          r"season|financial year|fiscal year|school year|academic year|term)\b", re.I)
SEND_WHEN = re.compile(r"\b(?:today|tonight|tomorrow|this (?:morning|afternoon|evening)|right after|straight after|by|before|EOD|COB|end of)\b", re.I)
ASIDE = re.compile(r",\s+(?:and\s+|but\s+)?(?:I|we|they|he|she)(?:['’]\w+)?\s")


def _past_aside(s: str) -> bool:
    """ "I'll have it to you by Friday, I've got the figures already": the past is an aside after a promise."""
    aside = ASIDE.search(s)
    past = PAST.search(s)
    return bool(aside and past and past.start() > aside.start() and FUTURE.search(s[:aside.start()]))


def _clipped_only(a: set[str], b: set[str]) -> bool:
    """Related only through a clipped word ("spec" for "specification"): the clipped line says less."""
    return not ({KIN.get(w, w) for w in a} & {KIN.get(w, w) for w in b}) and _related(a, b)


def _related(a: set[str], b: set[str]) -> bool:
    """Same kind of action, or a clipped word for the same thing ("spec"/"specification", "cert"/"certificate")."""
    ka, kb = {KIN.get(w, w) for w in a}, {KIN.get(w, w) for w in b}
    return bool(ka & kb) or any(len(x) >= 4 and len(y) >= 4 and (x.startswith(y) or y.startswith(x)) for x in a for y in b)


def _undated(text: str, call_date: dt.date) -> str:
    for s, e, _, _ in reversed(find_date_spans(text, call_date)):
        text = text[:s] + " " + text[e:]
    return text


def _content(text: str, call_date: dt.date) -> set[str]:
    """Content words of a step's text, without the words of its date phrases."""
    return _words(_undated(text, call_date))


def _scrub(text: str) -> str:
    spans = contact_spans(text)
    for span in reversed(spans):
        text = text[:span.start] + text[span.end:]
    return re.sub(r"\s+([,.;!?])", r"\1", re.sub(r"\s+", " ", text)).strip() if spans else text


def _clean_quote(sentence: str) -> str:
    """The sentence as evidence, or its longest part without personal data ("0412 887 305, I'll pass that on")."""
    spans = sorted((x.start, x.end) for x in contact_spans(sentence))
    if not spans:
        return sentence
    cuts, start = [], 0
    for a, b in spans:
        cuts.append(sentence[start:max(a, start)])
        start = max(start, b)
    cuts.append(sentence[start:])
    best = max((c.strip(" ,;:-") for c in cuts), key=len)
    return best if len(best.split()) >= 3 and not has_contact_details(best) else ""


def _confidence(certainty: str, dated: bool, confirmed: bool, tentative: bool, soft: bool) -> float:
    """How far a step can be trusted: a firm, explicit, dated promise said or confirmed twice is high (0.95);
    no date, an owner only inferred ("we", "our team"), an offer taken up or a short yes to a request each
    lower it; a hedged step is low (at most 0.60)."""
    score = 0.45 + (0.25 if dated else 0) + (0.10 if certainty == "explicit" else 0) + (0.05 if confirmed else 0) \
        + (0 if soft else 0.10)
    if tentative:
        score = min(score - 0.25, 0.60)  # hedged: below any firm promise
    return round(min(max(score, 0.2), 0.95), 2)


def _meeting_name(sentence: str) -> str:
    """ "Then I'd suggest we walk through the proposal together" -> "Proposal walkthrough"; "a proper underwriting call
    with Keisha" -> "Underwriting call with Keisha". Not "the day after the workshop" (another event, named for its date)
    and not "I have a call at nine" (the speaker's own diary)."""
    if has_contact_details(sentence):
        return ""
    m = next((m for m in MEET_NOUN.finditer(sentence)
              if not re.search(r"\b(?:after|before|since|until|I have|I['’]ve got|I['’]m in)\s*$", sentence[:m.start()], re.I)), None)
    w = WALK_THROUGH.search(sentence)
    if w and (not m or w.start() < m.start()):
        what = f"{w.group('x')} walkthrough"
    elif m:
        what = m.group(0).strip(" ,")
        what = re.sub(r"^(?:(?:on|in|for|at|to|with)\s+)?(?:a|an|the|our|your|proper|quick|short|final|formal)\s+", "", what, flags=re.I)
        what = re.sub(r"^(?:a|an|the|proper|quick|short)\s+", "", what, flags=re.I)
    else:
        return ""
    return what[:1].upper() + what[1:]


def extract_steps(ctx: CallContext) -> list[ExtractedStep]:
    ex = _Extractor(ctx)
    result: list[ExtractedStep] = []
    for st in ex.run():
        seen: set[str] = set()
        ev = []
        for u in st.units:
            quote = _clean_quote(ex.original.get(id(u), u.sentence))
            if quote and quote not in seen:
                seen.add(quote)
                ev.append(evidence(u.turn, quote))
        if not ev:
            continue
        text = re.sub(r" \([^()]*\)", lambda m: "" if contact_spans(m.group(0)) else m.group(0), st.text)
        for span in reversed(contact_spans(text)):
            text = text[:span.start] + text[span.end:]
        text = re.sub(r"\(\s*[,.]?\s*\)", "", re.sub(r"\s+", " ", text)).strip(" ,")
        sends_it = SENDS_IT.match(text)
        if sends_it and (thing := ex.named_thing(st.units[0])):
            text = f"{sends_it.group(1)} the {thing}{text[sends_it.end():]}"  # "Return it by ..." -> "Return the questionnaire by ..."
        if st.meeting:
            text = times_written(text)  # "the kickoff on Tuesday at ten" -> "at 10:00"
        if CRM_UPDATE.match(text) or st.due is None and BRING_PERSON.match(text):
            continue  # "Put the third of July as the signature date": the field update itself; "Bring Dev as well": the meeting's
        elif st.due is None and not (_content(text, ctx.call_date) - GENERIC - ACTS_ONLY - FILLER
                                     - {w.lower() for w in ex.first_names} - {w.lower() for n in ex.speaker_owners for w in n.split()}):
            continue  # "Ring Hannah", "Ask him (Ask him, he'll tell you)": no date and nothing a reader could track
        speakers = {u.turn.speaker for u in st.units}
        valid = st.due is not None and st.due >= ctx.call_date
        certainty = "explicit" if st.strong_owner or st.meeting else "inferred"
        result.append(ExtractedStep(
            text=text, owner=st.owner, due_date=st.due, evidence=ev[:4], certainty=certainty,
            tentative=st.tentative,
            confidence=_confidence(certainty, valid, len(speakers) > 1 or st.mentions > 1, st.tentative, st.soft)))
    return result
