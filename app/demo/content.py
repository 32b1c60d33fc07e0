"""Words of the demo community: the brand, its categories, its members and the phrase banks that
the generator (`app.demo.plan`) combines with the subjects of `app.demo.subjects`.

The community is the forum of "Voltéa", a fictional French smart-home and energy brand: the
Thermo connected thermostats, the Vanne radiator valves and their Hub, the Plug smart plugs, the
Stock home battery, the Sol solar kit, the Compteur meter module and the "Voltéa Maison" app.
Every link points to example.org: no real domain of any brand.

Texts are Markdown; `{name}` slots are filled per thread from SLOTS, and by the generator with
`op` (the thread's author), `helper` (the author of the message answered), `quote` (a quoted
excerpt of that message) and `fixed` (what solved the problem).
"""
from app.demo.subjects import SUBJECTS, md  # noqa: F401  (SUBJECTS: the generator reads every bank here)

BRAND = "Voltéa"

# (slug, name, description), in display order.
CATEGORIES = [
    (
        "installation",
        "Installation et mise en route",
        "Déballage, branchement, câblage et premiers réglages : thermostat, prises, batterie, kit solaire.",
    ),
    (
        "depannage",
        "Dépannage",
        "Quelque chose ne marche plus ? Décrivez le symptôme et ce que vous avez essayé, la communauté vous aide à réparer.",
    ),
    (
        "application",
        "Application mobile et connectivité",
        "L'appli Voltéa Maison, le Wi-Fi, les notifications, le partage du compte et la domotique.",
    ),
    (
        "economies-energie",
        "Économies d'énergie",
        "Consommation, facture d'électricité, heures creuses, autoconsommation : partagez vos chiffres et vos astuces.",
    ),
    (
        "idees-suggestions",
        "Idées et suggestions",
        "Ce qui vous manque dans les produits et l'appli. Votez pour les idées des autres membres.",
    ),
    (
        "coin-des-membres",
        "Le coin des membres",
        "Présentations, installations, bricolage et discussions libres entre membres.",
    ),
]

# Thirty members: first names, initials and pseudonyms, accents included.
MEMBERS = [
    "Élodie_R", "bricoleur44", "Julien.M", "Nico_du_29", "ThermoGeek", "Sandrine-B",
    "papy_jardinier", "Léa.Morel", "fred_elec", "Kévin77", "Chloé_L", "solaire_breizh",
    "AnneSo", "Mathieu-L", "domotique_fan", "Hélène.G", "jeanmi63", "Pauline_T",
    "Benoît.Ricard", "Yasmine.K", "Thibault74", "Gaëlle_B", "MaxDurand", "laure.energie",
    "Olivier_P", "Inès-M", "Stéphane.C", "tonton_bricole", "François_V", "Manon.R",
]

# One value per slot is drawn for each thread, so that a thread speaks of one device throughout.
# A dict value fills several related slots at once.
SLOTS = {
    "app": ["Voltéa Maison"],
    "thermo": ["Thermo S2", "Thermo S3", "Thermo Mini"],
    "plug": ["Plug", "Plug Mini", "Plug Max"],
    "battery": ["Stock 5", "Stock 10"],
    "solar": ["2 panneaux de 400 Wc", "3 panneaux de 410 Wc", "4 panneaux de 425 Wc"],
    "fw": ["2.4.1", "2.6.0", "2.7.3", "3.0.2", "3.1.0"],
    "app_version": ["5.1.0", "5.2.3", "5.3.1", "5.4.0", "6.0.2"],
    "phone": [
        "un Pixel 7 sous Android 14", "un iPhone 13", "un Galaxy A54", "un iPhone SE",
        "un Redmi Note 12", "une vieille tablette Android",
    ],
    "box": ["une box fibre", "une box ADSL", "un routeur Wi-Fi maillé", "une box 4G"],
    "err": ["E07", "E12", "E22", "E31", "E45"],
    "since": [
        "depuis deux jours", "depuis la mise à jour d'hier", "depuis une semaine",
        "depuis ce week-end", "depuis le changement d'heure",
    ],
    "heating": [
        "une pompe à chaleur air-eau", "une chaudière gaz à condensation", "des radiateurs électriques à inertie",
        "un plancher chauffant", "une chaudière fioul", "des convecteurs électriques", "un poêle à granulés et des radiateurs",
    ],
    "home": [
        "un appartement", "une maison de plain-pied", "une maison à étage", "une longère rénovée",
        "un T3 en ville", "une maison des années 70", "une maison mitoyenne",
    ],
    "surface": ["58", "72", "85", "96", "110", "135"],
    "room": ["le salon", "la chambre des enfants", "le bureau", "la salle de bain", "la cuisine", "la chambre"],
    "appliance": [
        "le chauffe-eau", "le lave-linge", "le lave-vaisselle", "le sèche-serviettes",
        "la pompe de la piscine", "le déshumidificateur",
    ],
    "temp": ["19", "20", "21"],
    "pct": ["8", "12", "15", "18", "22"],
    "euros": ["90", "140", "180", "230", "310"],
    "month": ["janvier", "mars", "mai", "septembre", "octobre", "novembre", "décembre"],
    "tarif": ["option Heures creuses", "option Base", "option Tempo"],
    "region": [
        {"region_in": "en Bretagne", "region_from": "de Bretagne"},
        {"region_in": "en Alsace", "region_from": "d'Alsace"},
        {"region_in": "en Provence", "region_from": "de Provence"},
        {"region_in": "en Auvergne", "region_from": "d'Auvergne"},
        {"region_in": "en Normandie", "region_from": "de Normandie"},
        {"region_in": "en Occitanie", "region_from": "d'Occitanie"},
        {"region_in": "en Savoie", "region_from": "de Savoie"},
        {"region_in": "en Vendée", "region_from": "de Vendée"},
        {"region_in": "en Lorraine", "region_from": "de Lorraine"},
        {"region_in": "en Gironde", "region_from": "de Gironde"},
        {"region_in": "dans la région lyonnaise", "region_from": "de la région lyonnaise"},
        {"region_in": "en région parisienne", "region_from": "de région parisienne"},
        {"region_in": "au Pays basque", "region_from": "du Pays basque"},
        {"region_in": "en Touraine", "region_from": "de Touraine"},
        {"region_in": "dans le Jura", "region_from": "du Jura"},
        {"region_in": "dans les Hauts-de-France", "region_from": "des Hauts-de-France"},
        {"region_in": "en Bourgogne", "region_from": "de Bourgogne"},
        {"region_in": "en Ardèche", "region_from": "d'Ardèche"},
        {"region_in": "dans le Finistère", "region_from": "du Finistère"},
        {"region_in": "en Corse", "region_from": "de Corse"},
    ],
}

# Around an opening post. None: nothing there.
GREETINGS = ["Bonjour à tous,", "Bonjour,", "Salut,", "Hello,", "Bonsoir,", "Bonjour à toutes et à tous,", None, None]
SIGNOFFS = {
    "question": [
        "Merci d'avance !", "Merci pour votre aide.", "Merci d'avance pour vos retours.",
        "Toute piste est bienvenue !", "Bonne journée à tous.", None,
    ],
    "discussion": ["Curieux d'avoir vos avis.", "Qu'en pensez-vous ?", "Vos retours m'intéressent !", None, None],
    "welcome": ["À bientôt sur le forum !", "Au plaisir d'échanger avec vous.", None],
}

# Around a helper's answer.
ANSWER_OPENERS = [None, None, None, "Bonjour {op},", "Salut {op},", "Hello,", "Bonjour,"]
ANSWER_CLOSERS = [None, None, "Tiens-nous au courant !", "Bon courage !", "Dis-nous si ça marche.", "En espérant que ça aide."]
# Before a second answer that builds on an earlier one (which is quoted above it).
ALTERNATIVE_INTROS = [
    "En complément de ce que dit {helper} :",
    "Je confirme, et j'ajouterais une chose :",
    "Autre piste, si ça ne suffit pas :",
    "D'accord avec {helper}. Sinon :",
]


def _pairs(*pairs):
    return [(md(question), md(answer)) for question, answer in pairs]


def _texts(*texts):
    return [md(text) for text in texts]


# A helper asks for details; the thread's author answers (quoting the question). Keyed by category,
# "*" for every category.
_FIRMWARE = (
    """
    Pour t'aider il faudrait quelques infos :

    - la version du firmware (`Réglages > Appareil > Informations`) ;
    - la version de l'appli ;
    - ta box internet.

    Ça a commencé après une mise à jour ?
    """,
    "Firmware {fw}, appli {app_version} sur {phone}, et j'ai {box}. Et oui, ça a commencé juste après la dernière mise à jour.",
)
_SINCE_WHEN = (
    "Ça fait ça depuis quand exactement ? Il y a eu une coupure de courant ou une mise à jour récemment ?",
    "C'est comme ça {since}. Pas de coupure à ma connaissance, mais l'appli s'est mise à jour toute seule ({app_version}).",
)
_ERROR_CODE = (
    "Tu peux regarder dans `Réglages > Diagnostic` s'il y a un code d'erreur ? Ça aidera à y voir plus clair.",
    "Le diagnostic affiche `{err}`, rien d'autre. Ça vous parle ?",
)
_LIGHT = (
    "Question bête, mais le voyant de l'appareil est de quelle couleur ? Fixe ou clignotant ?",
    "Orange, et il clignote lentement. Parfois il passe au vert quelques secondes, puis revient à l'orange.",
)
# A helper asks for details; the thread's author answers, quoting the question. By category.
CLARIFY = {
    "installation": _pairs(
        _FIRMWARE, _ERROR_CODE, _LIGHT,
        (
            "Tu as suivi la notice papier ou le guide dans l'appli ? Ils ne sont pas tout à fait identiques.",
            "La notice papier. Je n'avais même pas vu qu'il y avait un guide dans l'appli, je regarde ça.",
        ),
    ),
    "depannage": _pairs(
        _FIRMWARE, _SINCE_WHEN, _ERROR_CODE, _LIGHT,
        (
            "Tu as essayé de couper l'alimentation 30 secondes au disjoncteur ? Ça règle parfois des choses bizarres.",
            "Oui, deux fois. Ça marche quelques heures, puis ça recommence.",
        ),
    ),
    "application": _pairs(
        _FIRMWARE, _SINCE_WHEN,
        (
            "Tu es sur quelle version de l'appli exactement ? Et ça le fait aussi depuis l'espace web ?",
            "Version {app_version} sur {phone}. Depuis l'espace web, aucun problème : c'est vraiment l'appli.",
        ),
        (
            "Tu as combien d'appareils dans l'appli ? Et tu es en Wi-Fi ou en 4G quand ça arrive ?",
            "Une douzaine d'appareils. Ça arrive dans les deux cas, en Wi-Fi comme en 4G.",
        ),
    ),
}


def _triples(*triples):
    return [tuple(md(text) for text in triple) for triple in triples]


# The author reports what their attempt gave (quoting the answer); the helper comes back with a
# further step; what the author says if that step solved it. For devices, and for the app.
TRIED = {
    "device": _triples(
        (
            "Merci pour la réponse détaillée ! J'ai suivi les étapes une par une, mais ça bloque toujours au même endroit. Je réessaie ce soir à tête reposée.",
            """
            Dans ce cas, dernière option : une réinitialisation complète.

            1. Appui long de 10 secondes sur le bouton, jusqu'au clignotement bleu.
            2. Supprime l'appareil dans l'appli.
            3. Ajoute-le de nouveau comme au premier jour.

            C'est pénible, mais ça règle neuf cas sur dix.
            """,
            "La réinitialisation complète a fait l'affaire. Pénible, mais efficace !",
        ),
        (
            "Essayé, mais pas de changement pour l'instant. Par contre j'ai remarqué que le voyant passe au vert quelques secondes avant de repasser à l'orange. C'est un indice ?",
            """
            Oui ! Si le voyant passe au vert puis repasse à l'orange, la connexion s'établit mais la
            synchronisation avec le serveur échoue. Regarde si ta box ne bloque pas les nouveaux
            appareils (filtrage MAC, contrôle parental).
            """,
            "Le contrôle parental de la box bloquait les nouveaux appareils. Une exception pour lui, et tout fonctionne.",
        ),
        (
            "Je ne trouve pas ce réglage dans mon menu. C'est peut-être parce que je suis encore en firmware {fw} ?",
            "Oui, le menu a changé avec la version 3.0. Sur les versions précédentes, c'est dans `Réglages > Avancé`. Sinon fais d'abord la mise à jour, ce sera plus simple.",
            "Après la mise à jour du firmware, le réglage était bien là.",
        ),
        (
            "J'ai fait la manip, ça a marché une journée puis le problème est revenu. 😕",
            """
            Si ça revient, la cause est ailleurs. Regarde le journal `Réglages > Diagnostic > Historique`
            au moment où ça décroche : il donne souvent l'explication (coupure Wi-Fi, redémarrage,
            surchauffe…).
            """,
            "Le journal montrait une coupure chaque nuit à la même heure : c'était la box qui redémarrait. Redémarrage programmé désactivé, plus de souci.",
        ),
    ),
    "application": _triples(
        (
            "J'ai essayé, mais rien ne change, même après avoir redémarré le téléphone.",
            "Alors désinstalle complètement l'appli, redémarre le téléphone, puis réinstalle-la. Tes réglages sont sur le serveur, tu ne perds rien.",
            "La réinstallation complète a tout remis d'aplomb.",
        ),
        (
            "Ça a marché une journée puis c'est revenu. 😕",
            "Regarde si le téléphone n'a pas un mode d'économie d'énergie qui se réactive tout seul le soir : sur certains modèles, il coupe l'appli en arrière-plan.",
            "C'était bien le mode économie d'énergie qui se réactivait chaque soir. Désactivé pour l'appli, plus de souci.",
        ),
        (
            "Je ne trouve pas ce menu dans mon appli. C'est peut-être parce que je suis encore en {app_version} ?",
            "Oui, ce menu est arrivé avec la version suivante. Fais la mise à jour depuis le magasin d'applications et il apparaîtra.",
            "Après la mise à jour de l'appli, le menu était bien là.",
        ),
    ),
}

# "Same here" under a fault, and under a request for advice.
SAME_QUESTION = _texts(
    "Je me posais exactement la même question, merci d'avoir ouvert le sujet !",
    "Je suis le sujet, je suis dans le même cas.",
    "Même question de mon côté, j'attends vos réponses avec intérêt.",
    "Bonne question, je me la posais aussi avant d'acheter.",
    "Je suis exactement dans la même situation, je suis le sujet avec attention.",
)
METOO = _texts(
    "Même souci chez moi {since}, je suis le sujet.",
    "+1, exactement le même comportement chez moi, firmware {fw}.",
    "Pareil ici ! Content de voir que je ne suis pas le seul.",
    "Je m'abonne au sujet, j'ai le même problème depuis la dernière mise à jour.",
    "Idem, et le support m'a juste conseillé de tout réinitialiser… Je préfère attendre vos retours avant.",
    "Exactement le même problème chez moi avec le {thermo}.",
    "Ah, rassurant de voir que je ne suis pas seul : même symptôme ici.",
    "Pareil depuis la dernière mise à jour, je croise les doigts pour qu'une solution sorte de ce fil.",
)
# Sometimes added after "same here".
METOO_DETAILS = [
    None, None, "Appareil acheté en {month}, firmware {fw}.", "J'ai {box}, si ça peut aider.",
    "Je suis sur {phone}.", "Si je trouve quelque chose de mon côté, je le poste ici.",
]

RESOLVED = _texts(
    "C'est réglé, merci ! {fixed}",
    "**Résolu !** {fixed} Merci @{helper} pour ton aide !",
    "{quote}\n\nC'était exactement ça. {fixed} Merci beaucoup !",
    "Je confirme, problème résolu. {fixed} Je laisse le sujet pour ceux qui chercheront la même chose.",
    "Bonne nouvelle : ça marche ! {fixed}\n\nMerci à tous, et surtout à {helper}.",
)
FIXED_FALLBACK = _texts(
    "J'ai suivi les étapes et tout est rentré dans l'ordre.",
    "Tout fonctionne de nouveau normalement.",
    "Plus aucun souci depuis : merci !",
)

THANKS_OTHER = _texts(
    "Merci pour ce sujet, ça m'a évité d'appeler le support !",
    "Même problème et même solution chez moi. Merci @{helper} !",
    "Je garde ce fil dans un coin, c'est super clair.",
    "Merci @{helper}, le pas-à-pas fonctionne aussi sur le {thermo}.",
    "Je passais par là avec le même souci : réglé en cinq minutes grâce à ce fil. 👍",
)

OP_UPDATE = _texts(
    "Petit retour une semaine plus tard : toujours stable, aucun souci depuis.",
    "Mise à jour : ça tient toujours, même après une coupure de courant ce week-end.",
    "Je reviens donner des nouvelles : tout fonctionne parfaitement depuis. Merci encore !",
)

LATE = _texts(
    "Je remonte le sujet : même souci après la mise à jour {fw}, et la solution de @{helper} fonctionne toujours.",
    "Pour info, la dernière version de l'appli propose maintenant un assistant qui fait une partie de ces étapes automatiquement.",
    "Toujours d'actualité ! Je viens d'avoir le problème sur un appareil neuf, réglé en cinq minutes grâce à ce fil.",
)

OP_UNSOLVED = _texts(
    "Toujours rien de mon côté malgré vos conseils. J'ai ouvert un ticket auprès du support, je vous tiens au courant.",
    "Pas mieux malgré vos pistes… J'appelle le support demain et je reviens ici avec leur réponse.",
    "Merci à tous pour vos pistes. Rien n'a fonctionné pour l'instant, je vais demander un échange sous garantie.",
)

# Tips anyone may add to a thread of the category.
TIPS = {
    "installation": _texts(
        "Petit conseil en passant : notez le numéro de série et l'adresse MAC de chaque appareil dès l'installation (`Réglages > Appareil > Informations`). Ça sert toujours le jour où on contacte le support.",
        "Pensez à prendre une photo du câblage **avant** de démonter l'ancien matériel, ça évite bien des sueurs froides.",
        "Pour tout ce qui touche au tableau électrique : on coupe le disjoncteur général et on vérifie l'absence de tension avec un testeur. Ça paraît évident, mais…",
        "Le guide d'installation de la communauté est très bien fait, cas particuliers compris : https://example.org/communaute/guide-installation",
        "Faites l'installation de jour et sans vous presser : on fait beaucoup moins d'erreurs qu'un dimanche soir à 23 h 😅",
        "Avant d'acheter, vérifiez la compatibilité de votre chauffage sur le comparateur de la communauté : https://example.org/communaute/compatibilite",
        "Gardez les notices en PDF dans un dossier du téléphone : le jour où on en a besoin, la version papier a toujours disparu.",
    ),
    "depannage": _texts(
        "Le journal `Réglages > Diagnostic > Historique` donne souvent la réponse : on y voit les coupures Wi-Fi et les redémarrages, avec l'heure.",
        "Si rien ne marche, le support demande presque toujours le numéro de série, la version du firmware et la date d'achat. Autant les avoir sous la main.",
        "Avant toute réinitialisation, notez vos programmes : la réinitialisation usine les efface.",
        "Pour info, une réparation sous garantie ne demande que la facture et le numéro de série, et l'échange est en général rapide.",
        "Quand on décrit un problème, donnez le modèle, le firmware et depuis quand ça arrive : ça fait gagner un aller-retour à tout le monde.",
        "Couper l'alimentation 30 secondes au disjoncteur règle plus de problèmes qu'on ne le croit. À essayer avant de tout réinitialiser.",
        "Si le problème est apparu après un orage, pensez à la surtension : plusieurs membres ont eu des appareils abîmés. Un parafoudre au tableau, ça se discute avec son électricien.",
    ),
    "application": _texts(
        "Astuce : `Profil > Aide > Envoyer un rapport` joint automatiquement les journaux de l'appli, ça accélère beaucoup le diagnostic.",
        "Sur Android, excluez l'appli de l'optimisation de batterie, sinon les notifications et la géolocalisation se comportent bizarrement.",
        "La page d'état des services dit si le souci vient de chez vous ou des serveurs : https://example.org/voltea/etat-des-services",
        "Pensez à mettre à jour l'appli **et** le système du téléphone : beaucoup de soucis viennent d'un mélange de versions.",
        "Avant de réinstaller l'appli, vérifiez que vous connaissez votre mot de passe : il faudra vous reconnecter.",
        "L'espace web permet de tout piloter quand l'appli fait des siennes : https://example.org/voltea/mon-compte",
    ),
    "economies-energie": _texts(
        "Le plus rentable reste de **mesurer avant d'agir** : une semaine de relevés avec une prise {plug} en dit plus que tous les conseils.",
        "N'oubliez pas l'eau chaude : c'est souvent le deuxième poste de consommation après le chauffage. Un mitigeur bien réglé et des douches plus courtes, ça compte.",
        "Le simulateur de l'espace web compare les options tarifaires avec votre vraie consommation : https://example.org/voltea/simulateur",
        "Le relevé du compteur une fois par semaine, noté dans un carnet, reste l'outil le plus sous-estimé pour faire baisser sa facture.",
        "Un degré de moins, c'est environ 7 % de chauffage en moins : la règle qu'on lit partout se vérifie assez bien chez moi.",
        "Pensez au dégivrage du congélateur : quelques millimètres de givre suffisent à augmenter nettement sa consommation d'électricité.",
    ),
    "idees-suggestions": _texts(
        "Si l'équipe passe par là : ce genre d'idée mériterait un tableau public des suggestions, avec des votes.",
        "Je propose qu'on regroupe les idées du même genre dans ce sujet, ce sera plus lisible pour l'équipe.",
        "Pour que les idées avancent, décrivez le besoin plutôt que la solution : l'équipe trouvera peut-être mieux.",
        "Rappel : il existe aussi le formulaire de suggestions dans `Profil > Aide`, ça ne coûte rien de doubler.",
        "Beaucoup de ces idées sont faisables dès aujourd'hui avec l'API locale, pour ceux qui aiment bricoler.",
    ),
    "coin-des-membres": _texts(
        "Content de voir le forum aussi vivant, on apprend beaucoup en se lisant les uns les autres.",
        "Petit rappel amical : pour les questions techniques, ouvrez plutôt un sujet dans `Dépannage`, elles seront plus faciles à retrouver.",
        "Merci à tous ceux qui prennent le temps de répondre aux nouveaux, c'est ce qui rend le forum agréable.",
        "Si quelqu'un organise une rencontre un jour, je suis partant !",
        "Petit conseil aux nouveaux : la recherche du forum est efficace, beaucoup de questions ont déjà leur réponse.",
    ),
}

# After a technical tip, sometimes.
TIP_CLOSERS = [None, None, None, "Ça m'a servi plus d'une fois.", "Ça peut éviter bien des soucis.", "Bonne journée à tous !"]
TECHNICAL_CATEGORIES = ("installation", "depannage", "application", "economies-energie")

# Replies to an earlier message of a discussion, quoted above them.
AGREE = {
    "*": _texts(
        "{quote}\n\nTout à fait d'accord, c'est aussi mon expérience.",
        "{quote}\n\n+1, je n'aurais pas mieux dit.",
        "{quote}\n\nPareil chez moi. On s'y habitue très vite, en fait.",
        "{quote}\n\nBien vu, je n'y avais pas pensé.",
        "{quote}\n\nMême constat de mon côté.",
        "{quote}\n\nC'est exactement ce que je me disais en lisant le sujet.",
        "{quote}\n\nJe plussoie, et je rajouterais : il faut être patient, les résultats se voient sur la durée.",
    ),
    "economies-energie": _texts(
        "{quote}\n\nIntéressant, je n'avais pas vu les choses sous cet angle. Tu as des chiffres ?",
        "{quote}\n\nJe confirme, avec {heating} dans {home}. La différence s'est vue dès le premier mois.",
    ),
    "idees-suggestions": _texts(
        "{quote}\n\nExactement. Et tant qu'à faire, qu'on puisse le désactiver pour ceux que ça n'intéresse pas.",
    ),
    "coin-des-membres": _texts(
        "{quote}\n\nBelle idée, ça donne envie 👏",
    ),
}
DISAGREE = {
    "economies-energie": _texts(
        "{quote}\n\nJe ne suis pas tout à fait d'accord : ça dépend énormément du logement. Chez moi, l'effet a été quasi nul.",
        "{quote}\n\nAttention quand même, ce n'est pas valable partout. Ce qui marche en appartement ne marche pas forcément dans une maison ancienne.",
        "{quote}\n\nLe calcul est un peu optimiste, non ? Il faut compter l'abonnement et le prix du matériel, sinon on se raconte des histoires.",
    ),
    "idees-suggestions": _texts(
        "{quote}\n\nJe suis plus réservé : chaque nouvelle fonction complique l'appli. Je préférerais qu'ils corrigent d'abord les bugs existants.",
        "{quote}\n\nPas convaincu. Ça risque de faire encore plus de données envoyées sur leurs serveurs.",
    ),
}

# A member asks the thread's author something; the author answers, quoting the question.
ASK = {
    "economies-energie": _pairs(
        (
            "Tu chauffes avec quoi exactement ? Et pour quelle surface ?",
            "Je chauffe avec {heating}, pour {surface} m². Isolation correcte, mais fenêtres d'origine.",
        ),
        (
            "Tu as comparé sur combien de temps ? Un hiver doux peut fausser pas mal les chiffres.",
            "Sur un hiver complet, en comparant avec l'année précédente à météo équivalente. Pas parfait, mais ça donne une idée.",
        ),
        (
            "Curieux : tu es en {tarif} ou autre chose ?",
            "Je suis en {tarif}. J'ai refait le calcul avec les autres options, c'est toujours la plus intéressante pour nous.",
        ),
    ),
    "idees-suggestions": _pairs(
        (
            "Tu l'as aussi proposé via le formulaire de suggestions de l'appli ? Ils disent qu'ils les lisent.",
            "Oui, envoyé la semaine dernière. Réponse automatique pour l'instant, on verra bien !",
        ),
        (
            "Concrètement, tu l'utiliserais comment au quotidien ?",
            "Tous les jours : le matin en partant, et le soir pour vérifier que tout est bien éteint.",
        ),
    ),
    "coin-des-membres": _pairs(
        (
            "Tu es de quel coin exactement ?",
            "Pas très loin de la côte, dans un petit village. Calme et venteux !",
        ),
        (
            "Tu es équipé depuis combien de temps ?",
            "Depuis un peu plus d'un an, et je ne reviendrais pas en arrière.",
        ),
    ),
}

PLUS_ONE = _texts(
    "+1, je voterais des deux mains pour ça.",
    "Excellente idée, ça manque vraiment.",
    "Je soutiens ! Et si c'est ajouté, qu'on puisse le désactiver.",
    "+1. J'en rêve depuis que j'ai l'appli.",
    "Oui, mille fois oui 👍",
    "+1 de ma part aussi.",
    "Je vote pour !",
)
PLUS_ONE_DETAILS = [
    None, None, "Ça m'éviterait d'ouvrir l'appli dix fois par jour.", "En espérant que l'équipe nous lise.",
    "C'est le genre de détail qui fait aimer un produit.", "Je l'attends depuis longtemps.",
]

# When a welcome thread has more replies than its subject has welcomes.
WELCOMES = _texts(
    "Bienvenue {op} !",
    "Bienvenue à toi, et bonne découverte du forum.",
    "Salut {op}, bienvenue ! Tu as frappé à la bonne porte.",
    "Bienvenue ! Au plaisir de te lire.",
)

OP_THANKS = {
    "discussion": _texts(
        "Merci à tous pour vos retours, c'est très riche ! J'en retiens surtout qu'il faut **mesurer avant de changer quoi que ce soit**.",
        "Merci pour toutes ces réponses, je ne m'attendais pas à autant de participation !",
        "Super échange, merci. Je reviendrai donner des nouvelles dans quelques mois.",
    ),
    "idees-suggestions": _texts(
        "Merci pour tous vos +1 ! Si quelqu'un de l'équipe passe par là, le message est clair 😉",
    ),
    "welcome": _texts(
        "Merci à tous pour l'accueil, ça fait plaisir !",
        "Merci pour vos messages de bienvenue ! Je reviendrai sûrement vite avec des questions 😄",
    ),
}
