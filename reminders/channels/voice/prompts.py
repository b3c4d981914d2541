"""What a reminder call says around the tenant's script, in the languages it can say it in,
and the Twilio <Say> voice for each language customers are kept in."""

#: Twilio <Say> languages for the languages customers are kept in.
SAY_LANGUAGES = {
    "de": "de-DE",
    "fr": "fr-FR",
    "nl": "nl-NL",
    "es": "es-ES",
    "it": "it-IT",
    "pt": "pt-PT",
    "pl": "pl-PL",
    "sv": "sv-SE",
    "da": "da-DK",
    "nb": "nb-NO",
    "fi": "fi-FI",
}
#: What the call says around the script, in the languages it can say it in.
PROMPTS = {
    "en": {
        "menu": "To promise payment by {date}, press 1. To be called back, press 2.",
        "promised": "Thank you. We have noted your promise to pay by {date}. Goodbye.",
        "callback": "Thank you. A member of our team will call you back. Goodbye.",
        "again": "Sorry, we did not get that.",
        "goodbye": "Goodbye.",
        "date": "d MMMM y",
    },
    "de": {
        "menu": "Um die Zahlung bis zum {date} zuzusagen, drücken Sie die 1. "
        "Für einen Rückruf drücken Sie die 2.",
        "promised": "Vielen Dank. Wir haben Ihre Zahlungszusage bis zum {date} notiert. "
        "Auf Wiederhören.",
        "callback": "Vielen Dank. Wir rufen Sie zurück. Auf Wiederhören.",
        "again": "Das haben wir leider nicht verstanden.",
        "goodbye": "Auf Wiederhören.",
        "date": "d. MMMM y",
    },
    "fr": {
        "menu": "Pour promettre le paiement d'ici le {date}, appuyez sur 1. "
        "Pour être rappelé, appuyez sur 2.",
        "promised": "Merci. Nous avons noté votre promesse de paiement d'ici le {date}. Au revoir.",
        "callback": "Merci. Un membre de notre équipe vous rappellera. Au revoir.",
        "again": "Désolé, nous n'avons pas compris.",
        "goodbye": "Au revoir.",
        "date": "d MMMM y",
    },
    "nl": {
        "menu": "Druk op 1 om te beloven uiterlijk {date} te betalen. "
        "Druk op 2 om teruggebeld te worden.",
        "promised": "Dank u. We hebben uw belofte genoteerd om uiterlijk {date} te betalen. "
        "Tot ziens.",
        "callback": "Dank u. Een medewerker belt u terug. Tot ziens.",
        "again": "Sorry, dat hebben we niet begrepen.",
        "goodbye": "Tot ziens.",
        "date": "d MMMM y",
    },
}
