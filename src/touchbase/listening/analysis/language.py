"""Which language a text is in, from its function words and its letters.

Fast and small: every language has a few dozen words that turn up in almost any sentence
("und", "the", "les"), and a few letters only it uses (ß, ñ). A text needs three words and a
clear winner; otherwise its language is "" (unknown).
"""

from __future__ import annotations

import re

STOPWORDS = {
    "de": """der die das den dem des ein eine einen einem einer eines und oder aber ist sind war
        waren wird werden wurde hat habe haben hatte nicht kein keine keinen ich du er sie es wir
        ihr mich mir dich dir uns euch sich mit auf für von zu zum zur im ins am vom bei nach aus
        auch noch nur schon sehr so wie was wer wo wann warum wieso weshalb dass weil wenn doch
        mal gibt kann können muss soll will würde wäre heute immer wieder leider bitte danke
        hier jetzt man mein meine meinen unser unsere ihre ihren dieser diese dieses diesen gar
        seit über unter gegen ohne durch bis etwas nichts alles ganz echt eigentlich denn ob""",
    "en": """the a an and or but is are was were be been being has have had not no i you he she
        it we they me my your our their this that these those with on for of to in at by from
        as very so just what who where when why how do does did don can could will would should
        there here all any some about after before again also than then too really thanks
        please it's i'm its get got been only""",
    "fr": """le la les un une des du de et ou mais est sont était je tu il elle nous vous ils
        elles ne pas plus très pour avec dans sur par ce cette ces qui que quoi mon ma mes votre
        vos leur merci bien aussi être avoir fait été au aux""",
    "es": """el la los las un una unos unas y o pero es son era está están yo tú él ella nosotros
        no muy para con en por que qué este esta estos mi mis su sus gracias también del al
        pero porque como hay fue ser""",
    "it": """il lo la gli le un una e o ma è sono era io tu lui lei noi voi non molto per con in
        su che questo questa mio mia suo sua grazie anche del della dei delle al alla come c'è
        perché ho hai ha""",
    "nl": """de het een en of maar is zijn was waren ik jij je hij zij wij niet geen heel voor
        met op van dat die dit deze mijn ons onze hun bedankt ook naar bij al nog wel hebt heb
        heeft wordt worden""",
}
LETTERS = {"de": "äöüß", "fr": "éèêàçœ", "es": "ñ¿¡áíóú", "it": "àèìòù", "nl": "ĳ"}
WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")
MIN_WORDS = 3
LOOK = 400  # characters: enough to tell the language, and reading long posts stays fast

WORD_LANGUAGES: dict[str, tuple[str, ...]] = {}
for _code, _words in STOPWORDS.items():
    for _word in _words.split():
        WORD_LANGUAGES[_word] = (*WORD_LANGUAGES.get(_word, ()), _code)


def language_of(text: str) -> str:
    """The language code of a text (de, en, fr, es, it, nl), or "" when unsure or too short."""
    words = WORD.findall(text[:LOOK].lower())
    if len(words) < MIN_WORDS:
        return ""
    scores = dict.fromkeys(STOPWORDS, 0.0)
    for word in words:
        for code in WORD_LANGUAGES.get(word, ()):
            scores[code] += 1
    letters = set(text[:LOOK].lower())
    for code, special in LETTERS.items():
        if letters.intersection(special):
            scores[code] += 1.5
    ranked = sorted(scores.items(), key=lambda item: item[1], reverse=True)
    (best, best_score), (_second, second_score) = ranked[0], ranked[1]
    if best_score < 1 or best_score <= second_score:
        return ""
    return best
