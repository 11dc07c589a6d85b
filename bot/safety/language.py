"""Is a message Spanish? Enough to answer a crisis in the person's language (the rest is English for now).

Function words decide: Spanish and English share few of them, and a crisis message, however short,
usually holds one or two ("me quiero morir", "ya no quiero vivir", "mi esposo me pega"). Accents are
not required: phone keyboards often drop them.
"""

from __future__ import annotations

import re
import unicodedata

LANGUAGES = ("en", "es")

_SPANISH = frozenset(
    """
    el la los las un una unos unas de del al y o pero que porque como cuando donde quien
    me mi mis te tu tus se su sus nos le les lo yo tu usted ella ellos nosotros
    no ya muy mas tambien nada nadie nunca siempre aqui ahora hoy noche manana ayer
    es son esta estan estoy estas estamos soy eres fue era ser estar hay tengo tiene tienen
    quiero quiere quieres puedo puede voy va vamos hacer hice dijo creo siento
    por para con sin sobre en entre hasta desde hacia contra
    pienso pense quiero necesito puedo tengo siento estoy voy acabar seguir vivir morir morirme matarme
    suicidarme cortarme lastimarme golpea pega amenaza toca viola miedo sobredosis pastillas respira
    mama papa esposo esposa novio novia hijo hija hijos amigo amiga
    ayuda vida morir muerte matar pastillas dolor miedo casa
    hola buenas buenos dias tardes noches gracias adios luego bueno pues perdon disculpe favor ustedes
    """.split()
)
_ENGLISH = frozenset(
    """
    the a an of and or but that because how when where who what which
    i me my mine you your he she it we they them his her their our us
    not no never always here now today tonight tomorrow yesterday
    is are was were be been am do does did have has had will would can could should
    want wanna going gonna think feel know
    for with without about between until from to in on at by into
    mom dad husband wife boyfriend girlfriend son daughter friend
    help life die death kill pills pain scared home just really
    """.split()
)
_WORD = re.compile(r"[a-zñ]+")


def _words(text: str) -> list[str]:
    folded = unicodedata.normalize("NFKD", text.lower())
    plain = "".join(ch for ch in folded if unicodedata.category(ch) != "Mn" or ch == "\u0303")
    plain = unicodedata.normalize("NFKC", plain)
    return _WORD.findall(plain)


def guess_language(text: str) -> str:
    """"es" when the message reads as Spanish, else "en" (the default for anything unclear)."""
    words = _words(text)
    if not words:
        return "en"
    spanish = sum(word in _SPANISH for word in words)
    english = sum(word in _ENGLISH for word in words)
    if "ñ" in text.lower() or re.search(r"[¿¡]", text):
        spanish += 2
    return "es" if spanish >= 1 and spanish > english else "en"
