"""The demo community's thread subjects: what members of the Voltéa forum ask and discuss.

Each subject belongs to a category and is either a `question` (a symptom, answers with steps, a
resolution) or a `discussion` (opinions, experiences, ideas). Texts are Markdown with `{slots}`
filled per thread from `content.SLOTS`; `titles` are varied enough to give every thread its own.

- titles: at least four, so that a subject drawn several times never repeats a title; title i goes
  with opening i modulo the number of openings;
- openings: the opening post, without greeting or sign-off (added by the generator);
- answers: what helpers reply (steps, tips, experiences);
- fixed (questions only): what the author says once answer i solved it (None: nothing specific);
- advice (questions only): the openings that ask for advice rather than report a fault: nobody
  answers them "same problem here" or asks which colour the light is.
"""
import re
from textwrap import dedent

_BLOCK_START = re.compile(r"^(\d+\.|[-*>])\s")


def md(text: str) -> str:
    """Dedent a text written inside the code, and join its wrapped lines as a person types them:
    one line per paragraph, list item or quote line."""
    blocks = []
    for block in dedent(text).strip().split("\n\n"):
        lines: list[str] = []
        for line in block.split("\n"):
            stripped = line.strip()
            if lines and not _BLOCK_START.match(stripped):
                lines[-1] += " " + stripped
            else:
                lines.append(stripped)
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def subject(key, category, kind, titles, openings, answers, fixed=(), advice=()):
    return {
        "advice": frozenset(advice),
        "key": key,
        "category": category,
        "kind": kind,
        "titles": list(titles),
        "openings": [md(text) for text in openings],
        "answers": [md(text) for text in answers],
        "fixed": [md(text) if text else None for text in fixed],
    }


INSTALLATION = [
    subject(
        "thermo-wifi", "installation", "question",
        [
            "Le {thermo} ne trouve pas mon réseau Wi-Fi",
            "Appairage Wi-Fi du {thermo} impossible",
            "Installation du {thermo} : mon Wi-Fi n'apparaît pas dans la liste",
            "{thermo} : bloqué à l'étape « Connexion au Wi-Fi »",
        ],
        [
            """
            Je viens de recevoir mon {thermo} et je bloque à l'installation : dans l'appli {app}, à
            l'étape **Connexion au Wi-Fi**, mon réseau n'apparaît tout simplement pas. Les réseaux des
            voisins, eux, s'affichent.

            Ce que j'ai déjà essayé :

            - redémarrer la box ;
            - rapprocher le thermostat de la box (deux mètres à peine) ;
            - réinstaller l'application ({app_version}, sur {phone}).
            """,
            """
            Thermostat branché, écran allumé, mais impossible de le connecter au Wi-Fi : l'appli tourne
            pendant deux minutes puis affiche `Erreur réseau {err}`. J'ai {box} et le nom du réseau
            contient un accent, je ne sais pas si ça joue.

            Quelqu'un a déjà eu le cas ?
            """,
        ],
        [
            """
            Classique : le {thermo} ne parle **que le 2,4 GHz**. Si ta box diffuse un seul nom de réseau
            pour le 2,4 et le 5 GHz, il ne le voit pas toujours.

            1. Dans l'interface de la box, sépare les deux bandes (un nom différent pour le 2,4 GHz).
            2. Sur le téléphone, connecte-toi temporairement au réseau 2,4 GHz.
            3. Relance l'ajout de l'appareil dans l'appli en choisissant ce réseau.
            4. Une fois le thermostat connecté, tu peux réunifier les réseaux : il garde la connexion.
            """,
            """
            Vérifie aussi le canal Wi-Fi : certains modules ne voient pas les canaux 12 et 13. Mets ta
            box sur un canal entre 1 et 11 (`Canal : 6` par exemple), ça m'a sauvé la mise.
            """,
            """
            Les caractères spéciaux dans le nom du réseau ou le mot de passe posent souci sur les
            firmwares d'avant la 2.6. Deux solutions :

            - mettre d'abord le thermostat à jour via le partage de connexion de ton téléphone ;
            - ou renommer temporairement le réseau, sans accent ni espace.

            La procédure est décrite ici : https://example.org/voltea/aide/wifi-2-4-ghz
            """,
        ],
        [
            "C'était bien le 5 GHz : une fois les deux bandes séparées, il s'est connecté du premier coup.",
            "Le canal 13 était en cause. Passé sur le canal 6, tout fonctionne.",
            "J'ai renommé le réseau sans accent le temps de l'installation et c'est passé.",
        ],
    ),
    subject(
        "thermo-wiring", "installation", "question",
        [
            "Quels fils brancher pour le {thermo} sur une chaudière ?",
            "Le récepteur du {thermo} ne commande pas la chaudière",
            "Câblage du récepteur : contact sec ou fil pilote ?",
            "La chaudière ne démarre pas avec le {thermo}",
            "Remplacer un vieux thermostat filaire par le {thermo}",
        ],
        [
            """
            Je remplace mon vieux thermostat mécanique par le {thermo}. Derrière l'ancien il y a deux
            fils (un rouge, un blanc) et sur le récepteur Voltéa je vois trois bornes : `NO`, `COM` et
            `NC`. La notice n'est pas très claire sur ce point.

            Je ne veux pas faire de bêtise avec l'électricité : lequel va où ?
            """,
            """
            Récepteur installé à côté de la chaudière, voyant vert allumé, mais quand je monte la
            consigne à {temp} °C rien ne se passe, la chaudière ne démarre pas. L'ancien thermostat
            fonctionnait très bien avec les mêmes fils.
            """,
        ],
        [
            """
            Pour une chaudière, on utilise un **contact sec** : les deux fils de l'ancien thermostat vont
            sur `COM` et `NO` (normalement ouvert), peu importe l'ordre.

            1. Coupe le disjoncteur de la chaudière (pas seulement l'interrupteur).
            2. Vérifie l'absence de tension avec un testeur.
            3. Branche les deux fils sur `COM` et `NO`, rien sur `NC`.
            4. Remets le courant puis lance `Réglages > Récepteur > Test relais` : tu dois entendre un
               clic et la chaudière démarrer.
            """,
            """
            Attention à ne pas confondre avec le **fil pilote** des radiateurs électriques, qui n'a rien
            à voir. Si ta chaudière a un bornier « TA » (thermostat d'ambiance), c'est là que ça se
            branche, et il faut souvent retirer le petit pont (shunt) entre les deux bornes.
            """,
            """
            Si le test relais fait bien « clic » mais que la chaudière ne réagit pas, le problème est
            côté chaudière : certaines demandent d'activer l'entrée thermostat dans leur propre menu.
            Dans le doute, fais passer ton chauffagiste lors de l'entretien annuel, il vérifiera en
            cinq minutes.
            """,
        ],
        [
            "J'avais branché sur `NC` au lieu de `NO`. Fils déplacés, test relais OK, la chaudière démarre.",
            "Il restait le shunt sur le bornier TA de la chaudière. Retiré, tout marche.",
            "L'entrée thermostat était désactivée dans le menu de la chaudière. Activée, elle démarre dès que le thermostat le demande.",
        ],
        advice=(0,),
    ),
    subject(
        "plug-setup", "installation", "question",
        [
            "Première prise {plug} : comment créer un programme horaire ?",
            "Prise {plug} reconnue mais impossible de l'allumer à distance",
            "Ajouter une prise {plug} dans l'appli, par où commencer ?",
            "Prise {plug} : « Action impossible » depuis l'appli",
        ],
        [
            """
            Je débute complètement : j'ai acheté une prise {plug} pour piloter {appliance}. Elle
            apparaît dans l'appli mais je ne trouve pas comment lui donner des horaires (allumage à
            22 h, extinction à 6 h).

            Je suis sur {phone}, appli {app_version}.
            """,
            """
            La prise {plug} est bien ajoutée, le voyant est bleu fixe, et le bouton physique fonctionne.
            Par contre depuis l'appli, quand j'appuie sur **Allumer**, ça tourne dans le vide puis
            « Action impossible ». Le reste de mes appareils répond normalement.
            """,
        ],
        [
            """
            Pour les horaires, c'est un peu caché :

            1. Ouvre la fiche de la prise dans `Pièces`.
            2. Touche l'icône horloge en haut à droite.
            3. `Ajouter une plage horaire`, puis choisis les jours et les heures.
            4. N'oublie pas d'activer le programme avec l'interrupteur en haut de la page.

            Astuce : tu peux dupliquer une plage sur plusieurs jours d'un appui long.
            """,
            """
            « Action impossible » alors que le voyant est bleu, c'est souvent un fuseau horaire ou une
            heure mal réglée sur la prise. Va dans `Réglages > Appareil > Heure` et force la
            synchronisation. Sinon, retire la prise de l'appli et ajoute-la de nouveau : les réglages
            de pièce se perdent mais ça prend deux minutes.
            """,
            """
            Pour grouper plusieurs prises, crée d'abord la pièce (`Pièces > +`), puis dans chaque prise :
            `Réglages > Pièce`. Ensuite un appui long sur la pièce permet de tout allumer ou éteindre
            d'un coup.
            """,
        ],
        [
            "Le programme était créé mais pas activé : l'interrupteur en haut de page, je ne l'avais pas vu.",
            "La prise avait une heure fausse de deux heures. Après la resynchronisation, tout répond.",
        ],
        advice=(0,),
    ),
    subject(
        "battery-install", "installation", "question",
        [
            "Batterie {battery} : faut-il un installateur agréé ?",
            "Mise en service de la {battery} : le voyant reste orange",
            "Installer la batterie {battery} soi-même, bonne idée ?",
            "Batterie {battery} installée mais « En attente de mise en service »",
            "Batterie {battery} : où la placer dans un garage non chauffé ?",
        ],
        [
            """
            Je réfléchis à ajouter une batterie {battery} à mon kit solaire ({solar}). Le vendeur dit
            que je peux l'installer moi-même, mais un ami électricien m'affirme qu'il faut un pro pour
            l'assurance et la garantie.

            Qui a raison ? Et est-ce qu'un garage non chauffé convient ?
            """,
            """
            Batterie {battery} posée et branchée hier par l'installateur. Depuis, le voyant reste
            **orange fixe** et l'appli affiche `En attente de mise en service`. L'installateur est
            reparti et ne répond pas au téléphone…
            """,
        ],
        [
            """
            Pour la {battery}, la garantie de 10 ans n'est valable que si la mise en service est faite
            par un installateur partenaire : c'est écrit dans les conditions, page 4. Le branchement
            électrique lui-même n'est pas sorcier, mais sur un tableau, je conseille toujours un pro.
            """,
            """
            Côté emplacement, la fiche technique donne une plage de **0 à 40 °C**. En dessous de 5 °C
            la charge est bridée pour protéger les cellules. Dans un garage non chauffé :

            - évite le mur nord et le sol en béton directement (une planche ou le support mural) ;
            - laisse 20 cm de dégagement autour pour la ventilation ;
            - pas à côté d'une source de chaleur (chaudière, sèche-linge).
            """,
            """
            Orange fixe après la pose, c'est que la **mise en service** n'a pas été validée dans l'espace
            installateur. Il doit saisir le numéro de série et valider le raccordement. Tu peux vérifier
            l'état dans `Batterie > Informations > Statut`. S'il ne répond pas, le support peut
            débloquer la situation avec ta facture d'installation.
            """,
        ],
        [
            "J'ai fait poser la batterie par un installateur partenaire pour garder la garantie.",
            "Batterie fixée au mur intérieur du garage, sur son support, avec de l'espace autour. Aucune alerte de température depuis.",
            "L'installateur a finalement validé la mise en service à distance, le voyant est passé au vert.",
        ],
        advice=(0,),
    ),
    subject(
        "solar-kit", "installation", "question",
        [
            "Kit solaire Sol : le brancher sur une prise extérieure, c'est autorisé ?",
            "Kit Sol installé, la production n'apparaît pas dans l'appli",
            "Déclaration du kit Sol ({solar}) : quelles démarches ?",
            "Micro-onduleur vert mais 0 W dans l'appli",
        ],
        [
            """
            J'ai commandé le kit Sol ({solar}) pour mon balcon. La notice dit « se branche sur une
            simple prise », mais j'ai lu ailleurs qu'il fallait une déclaration et une prise dédiée.

            Vous avez fait quelles démarches de votre côté ?
            """,
            """
            Kit Sol posé ce week-end sur l'abri de jardin, le micro-onduleur clignote vert, mais dans
            l'appli la tuile **Production** reste à 0 W depuis deux jours. Il fait pourtant grand soleil
            {region_in}.
            """,
        ],
        [
            """
            Oui, il faut déclarer l'installation, même petite. En résumé :

            1. Faire la déclaration d'autoconsommation auprès du gestionnaire de réseau (gratuit, en ligne).
            2. Prévenir ton assureur habitation.
            3. Idéalement, un circuit dédié avec son propre disjoncteur plutôt qu'une prise de la cuisine.

            Le guide de la communauté résume tout ça : https://example.org/guides/declarer-son-kit-solaire
            """,
            """
            Pour l'orientation : plein sud maximise le total, mais **est-ouest** étale la production sur la
            journée, ce qui colle mieux à une consommation de maison sans batterie. Avec deux panneaux,
            j'ai mis un à l'est et un à l'ouest, et je consomme presque tout ce que je produis.
            """,
            """
            Si le micro-onduleur clignote vert mais que l'appli reste à 0 W, c'est qu'il n'est pas encore
            rattaché à ton logement. Dans `Énergie > Sources > Ajouter`, scanne le QR code collé sous
            le micro-onduleur. Les données arrivent ensuite avec environ 15 minutes de décalage.
            """,
        ],
        [
            "Déclaration faite en ligne en dix minutes, assureur prévenu. Merci pour la liste !",
            "J'ai mis un panneau à l'est et un à l'ouest : la production est bien plus étalée sur la journée.",
            "Il fallait bien scanner le QR code du micro-onduleur, la production remonte depuis ce matin.",
        ],
        advice=(0,),
    ),
    subject(
        "hub-valves", "installation", "question",
        [
            "Les têtes thermostatiques Vanne ne s'appairent pas avec le Hub",
            "Tête Vanne qui claque et ne se calibre pas à l'installation",
            "Hub Voltéa : portée trop faible à l'étage",
            "Erreur {err} à la calibration d'une tête Vanne",
        ],
        [
            """
            J'ai installé le Hub au rez-de-chaussée et six têtes thermostatiques Vanne. Les quatre du
            bas se sont appairées sans problème, mais celles de l'étage restent en `Recherche…` puis
            échouent. Le Hub est à environ 8 mètres, avec une dalle béton entre les deux.
            """,
            """
            Première tête Vanne montée sur un radiateur, dans {room} : elle fait un bruit de claquement
            pendant la calibration puis affiche `{err}`. J'ai bien mis l'adaptateur fourni pour mon
            corps de vanne.
            """,
        ],
        [
            """
            Le béton est l'ennemi de la radio. Deux solutions simples :

            - ajouter une prise {plug} à mi-chemin (dans l'escalier par exemple) : elle sert de
              **relais** pour les têtes ;
            - ou déplacer le Hub plus au centre de la maison, en hauteur.

            Après l'ajout du relais, relance l'appairage tête par tête, en commençant par la plus proche.
            """,
            """
            Le claquement pendant la calibration, c'est la tête qui ne trouve pas la course de la vanne.
            Vérifie que l'adaptateur est bien enfoncé jusqu'au bout, puis `Réglages > Tête > Recalibrer`.
            Si la vanne est grippée (radiateur resté fermé tout l'été), démonte la tête et actionne
            le picot à la main quelques fois.
            """,
            """
            Officiellement c'est 32 appareils par Hub, mais au-delà d'une vingtaine de têtes, le Hub
            devient lent à répondre. Avec six têtes tu es très large.
            """,
        ],
        [
            "Une prise {plug} dans l'escalier comme relais, et les deux têtes de l'étage se sont appairées tout de suite.",
            "Le picot de la vanne était grippé. Quelques allers-retours à la main puis recalibrage : plus de claquement.",
        ],
    ),
    subject(
        "meter-module", "installation", "question",
        [
            "Le module Compteur ne remonte aucune donnée de mon Linky",
            "Les index du module Compteur ne correspondent pas à ma facture",
            "Module Compteur : mode TIC historique ou standard ?",
            "Écart de 300 kWh entre le module Compteur et ma facture",
        ],
        [
            """
            Module Compteur branché sur les bornes TIC du compteur (les deux du bas), voyant vert, mais
            l'appli affiche `Aucune donnée reçue` depuis trois jours. La consommation de la maison reste
            donc vide dans les graphiques.
            """,
            """
            Les index affichés par le module Compteur ont un écart de plus de 300 kWh avec ma dernière
            facture d'électricité. Je ne sais pas lequel croire.
            """,
        ],
        [
            """
            Le module lit par défaut la TIC en mode **historique**. Si ton compteur a été passé en mode
            **standard** (c'est le cas avec certaines offres récentes), il ne comprend rien.

            1. Regarde sur l'écran du compteur (bouton défilement) : il affiche `TIC STD` ou `TIC HIST`.
            2. Dans l'appli : `Énergie > Module Compteur > Mode TIC`.
            3. Choisis le même mode, puis attends une dizaine de minutes.
            """,
            """
            Pour l'écart avec la facture : la facture est souvent établie sur un index **estimé** quand
            le relevé n'a pas été transmis. Compare plutôt avec l'index affiché sur le compteur
            lui-même, au même moment. Chez moi l'écart était de 2 kWh, rien de plus.
            """,
            """
            Vérifie aussi les bornes : ce sont `I1` et `I2`, et le câble ne doit pas dépasser quelques
            mètres. Un câble de sonnette trop long suffit à perdre le signal.
            """,
        ],
        [
            "Mon compteur était bien en `TIC STD`. Mode changé dans l'appli, les données arrivent.",
            "C'était la facture qui était estimée. L'index du compteur et celui du module sont identiques.",
        ],
    ),
    subject(
        "first-settings", "installation", "question",
        [
            "Quel planning de chauffe pour débuter avec le {thermo} ?",
            "Installer le thermostat dans {room}, bonne idée ?",
            "Réglages conseillés à l'installation : anticipation, hystérésis…",
            "Où placer le {thermo} pour une mesure fiable ?",
        ],
        [
            """
            Installation terminée, tout est connecté. Maintenant je suis un peu perdu dans les réglages :
            `Anticipation`, `Hystérésis`, `Mode éco`… Je chauffe avec {heating}, pour {surface} m².

            Vous partez de quoi comme réglages de base ?
            """,
            """
            Mon électricien propose de poser le thermostat dans {room}, parce que c'est là que passent les
            fils. Mais j'ai peur que la mesure soit faussée. Il y a des règles à respecter ?
            """,
        ],
        [
            """
            Pour démarrer, je conseille de rester simple :

            1. Confort à {temp} °C quand vous êtes là, 17 °C la nuit.
            2. `Anticipation` activée : le thermostat apprend combien de temps il faut pour chauffer.
            3. `Hystérésis` par défaut (0,3 °C), à ne toucher que si la chaudière s'allume trop souvent.
            4. Laisse tourner **deux semaines** avant de modifier quoi que ce soit.
            """,
            """
            Pour l'emplacement, les règles de base :

            - à 1,50 m du sol environ ;
            - sur un mur intérieur, jamais sur un mur donnant dehors ;
            - loin d'une source de chaleur (radiateur, lampe, soleil direct, télé) ;
            - pas dans un courant d'air (porte d'entrée, escalier).
            """,
            """
            Si tu ne peux pas faire autrement, il y a un réglage `Offset température` qui corrige la
            mesure de quelques dixièmes. Mais ça ne remplace pas un bon emplacement.
            """,
        ],
        [
            "Je suis parti sur vos réglages de base, après deux semaines le planning tourne tout seul.",
            "Thermostat finalement posé dans le couloir, sur un mur intérieur, et la mesure est cohérente.",
        ],
        advice=(0, 1),
    ),
]

DEPANNAGE = [
    subject(
        "thermo-offline", "depannage", "question",
        [
            "{thermo} hors ligne toutes les nuits",
            "Le thermostat se déconnecte {since}",
            "{thermo} : le nuage barré s'affiche chaque nuit",
            "Notification « Appareil hors ligne » en boucle",
        ],
        [
            """
            Mon {thermo} passe **hors ligne** presque toutes les nuits vers 3 h et revient le matin.
            Le chauffage continue de fonctionner, mais impossible de le piloter à distance pendant ce
            temps-là. Firmware {fw}, {box}.

            J'ai déjà redémarré la box et le thermostat, sans effet.
            """,
            """
            Je reçois la notification « Appareil hors ligne » dix fois par jour {since}. Le thermostat
            est à 5 mètres de la box, sans mur épais entre les deux. Rien n'a changé dans la maison.
            """,
        ],
        [
            """
            3 h du matin, c'est souvent l'heure où la box redémarre ou change de canal automatiquement.
            Regarde dans son interface :

            - désactive le **changement de canal automatique** et fixe un canal (1, 6 ou 11) ;
            - vérifie s'il y a un redémarrage programmé la nuit ;
            - désactive la mise en veille du Wi-Fi la nuit, si ta box le propose.
            """,
            """
            Autre piste : le bail DHCP. Certaines box donnent une nouvelle adresse IP chaque nuit et le
            thermostat met du temps à le comprendre. Réserve-lui une adresse fixe dans la box
            (`DHCP > Baux statiques`), et le problème disparaît en général.
            """,
            """
            Le firmware {fw} avait un souci connu de reconnexion, corrigé dans la version suivante.
            Fais la mise à jour depuis `Réglages > Appareil > Mise à jour` (le thermostat doit être en
            ligne, donc en journée 😉).
            """,
        ],
        [
            "La box changeait de canal toutes les nuits. Canal fixé sur 11, plus aucune déconnexion depuis.",
            "Adresse IP réservée dans la box et firmware mis à jour : il ne décroche plus.",
        ],
    ),
    subject(
        "temp-offset", "depannage", "question",
        [
            "Le {thermo} affiche 2 °C de plus que mon thermomètre",
            "Température mesurée incohérente sur le {thermo}",
            "Comment calibrer la sonde du thermostat ?",
            "Température qui fait le yo-yo sur le {thermo}",
            "Le chauffage s'arrête trop tôt, la sonde semble fausse",
        ],
        [
            """
            Mon {thermo} affiche {temp} °C alors que deux thermomètres différents, posés juste à côté,
            indiquent 2 °C de moins. Résultat : le chauffage se coupe trop tôt et on a froid le soir.
            """,
            """
            La température affichée fait des sauts bizarres : 19,5, puis 21, puis 19,8 en l'espace de
            dix minutes. Le thermostat est dans {room}. Est-ce que la sonde est défectueuse ?
            """,
        ],
        [
            """
            Avant de conclure à une panne, il y a un réglage pour ça :

            1. `Réglages > Appareil > Offset température`.
            2. Mets `-2,0` si l'écart est constant.
            3. Attends une heure et compare de nouveau.

            Si l'écart varie dans la journée, c'est plutôt l'emplacement qui pose problème.
            """,
            """
            Les sauts de température, c'est très souvent le **soleil** qui tape sur le boîtier à
            certaines heures, ou une lampe juste en dessous. Chez moi c'était un halogène, une fois
            éteint plus aucun souci.
            """,
            """
            Si rien n'y fait, le thermostat est garanti deux ans : le support procède à un échange
            standard pour une sonde défectueuse. Garde bien ta facture, ils la demandent.
            """,
        ],
        [
            "Offset réglé à `-2,0`, les deux thermomètres et le thermostat sont d'accord maintenant.",
            "C'était bien le soleil de fin d'après-midi. Un petit pare-soleil et la mesure est stable.",
        ],
    ),
    subject(
        "plug-blinking", "depannage", "question",
        [
            "Prise {plug} qui clignote rouge en continu",
            "Prise {plug} qui s'éteint toute seule la nuit",
            "Réinitialiser une prise {plug} : la manip ne marche pas",
            "Ma prise {plug} coupe {appliance} en pleine nuit",
            "Ma prise {plug} ne répond plus après une coupure de courant",
        ],
        [
            """
            Après une coupure d'électricité dans le quartier, ma prise {plug} clignote **rouge** en
            continu. Elle ne commande plus rien et n'apparaît plus dans l'appli. J'ai essayé de la
            débrancher et rebrancher, même résultat.
            """,
            """
            Ma prise {plug}, qui pilote {appliance}, s'éteint toute seule la nuit, vers 1 h ou 2 h. Aucun
            programme n'est réglé à cette heure-là, j'ai vérifié deux fois.
            """,
        ],
        [
            """
            Rouge clignotant = la prise a perdu sa configuration réseau. Réinitialisation :

            1. Appui long **10 secondes** sur le bouton, jusqu'à ce que le voyant clignote bleu rapidement.
            2. Relâche, attends que le clignotement ralentisse.
            3. Dans l'appli, supprime l'ancienne prise puis `Ajouter un appareil`.

            Si le voyant ne passe jamais au bleu, réessaie en maintenant le bouton pendant que tu la
            branches.
            """,
            """
            Une prise qui s'éteint la nuit sans programme, c'est souvent la **protection contre les
            surcharges** : si l'appareil tire plus de 16 A au démarrage, elle coupe. Regarde dans
            `Historique` de la prise, la cause de chaque coupure y est notée.
            """,
            """
            Vérifie aussi qu'il n'y a pas un **scénario** qui la concerne (`Automatisations`), pas
            seulement un programme. Je me suis fait avoir : un scénario « Tout éteindre » que j'avais
            oublié se lançait la nuit.
            """,
        ],
        [
            "Réinitialisation en la maintenant pendant le branchement : elle est repassée au bleu et je l'ai ajoutée de nouveau.",
            "L'historique indiquait bien « surcharge » à chaque coupure. Appareil branché directement au mur, la prise ne coupe plus.",
            "C'était un vieux scénario « Tout éteindre » oublié dans `Automatisations`. Supprimé !",
        ],
    ),
    subject(
        "battery-stuck", "depannage", "question",
        [
            "Batterie {battery} bloquée à 20 %",
            "Batterie {battery} : code erreur {err} et charge arrêtée",
            "La batterie {battery} ne se recharge plus avec le solaire",
            "Batterie dans un garage froid : la charge s'arrête",
        ],
        [
            """
            Ma batterie {battery} reste bloquée à **20 %** depuis une semaine, alors que les panneaux
            produisent bien (je vois {solar} en production l'après-midi). Le surplus part sur le réseau
            au lieu de charger la batterie.
            """,
            """
            Depuis le début du froid, ma batterie {battery} affiche l'erreur `{err}` et la charge
            s'arrête. Elle est installée dans le garage, non chauffé. Est-ce que c'est lié ?
            """,
        ],
        [
            """
            20 % pile, ça ressemble beaucoup au `Seuil de charge minimale` : la batterie garde cette
            réserve pour les coupures et ne descend jamais en dessous. Mais si elle ne **charge** plus,
            regarde :

            - `Batterie > Mode` : il doit être sur `Autoconsommation`, pas sur `Réserve` ;
            - `Batterie > Plages` : pas de plage « charge interdite » l'après-midi.
            """,
            """
            Le froid, c'est très probable : sous 5 °C, la charge est limitée et sous 0 °C elle est
            **coupée** pour protéger les cellules, avec une erreur de température. Soit tu isoles un peu
            l'emplacement (pas de chauffage d'appoint collé à la batterie !), soit tu acceptes que
            l'hiver elle serve moins.
            """,
            """
            Une batterie qui se vide la nuit « sans consommation », chez moi c'était le frigo, la box,
            la VMC et les veilles : 150 W en continu, ça fait vite 1 kWh par nuit. Regarde la courbe de
            consommation nocturne dans `Énergie > Jour`.
            """,
        ],
        [
            "Le mode était resté sur `Réserve` après la mise à jour. Repassé en `Autoconsommation`, elle recharge.",
            "C'était bien le froid : j'ai déplacé la batterie contre le mur de la maison, l'erreur a disparu.",
        ],
    ),
    subject(
        "heating-nonstop", "depannage", "question",
        [
            "Le chauffage ne s'arrête plus malgré la consigne atteinte",
            "Radiateurs brûlants alors que le thermostat est en mode éco",
            "Chaudière qui tourne en continu depuis l'installation du {thermo}",
            "Mode éco ignoré : ma facture de gaz explose",
            "Relais du récepteur collé ? La chaudière reste allumée",
        ],
        [
            """
            Il fait 23 °C dans la maison, la consigne est à {temp} °C, le {thermo} affiche bien
            « chauffe arrêtée »… mais la chaudière continue de tourner. Je dois couper au disjoncteur
            pour l'arrêter. C'est comme ça {since}.
            """,
            """
            Mode éco activé, consigne à 17 °C, et pourtant les radiateurs sont brûlants toute la nuit.
            Ma facture de gaz du mois dernier a d'ailleurs explosé. Qu'est-ce qui peut provoquer ça ?
            """,
        ],
        [
            """
            Si le thermostat dit « arrêté » et que la chaudière tourne quand même, il faut savoir qui
            commande :

            1. Lance `Réglages > Récepteur > Test relais` et écoute : le relais doit claquer à l'ouverture.
            2. Débranche un des fils du récepteur (courant coupé !) : si la chaudière tourne encore,
               elle ne tient pas compte du thermostat du tout.
            3. Dans ce cas, regarde le menu de la chaudière : elle est peut-être en mode « manuel ».
            """,
            """
            Un relais collé arrive, surtout après un orage. Dans ce cas, c'est une réparation sous
            garantie : le support envoie un récepteur neuf. En attendant, tu peux repasser sur le
            thermostat intégré de la chaudière.
            """,
            """
            Radiateurs chauds en mode éco : vérifie que tu n'as pas une **dérogation** en cours (l'icône
            main sur l'écran). Quelqu'un a peut-être monté la consigne à la main, et elle reste
            jusqu'au prochain créneau du planning.
            """,
        ],
        [
            "La chaudière était repassée en mode manuel après son entretien. Remise en mode « thermostat d'ambiance », tout est rentré dans l'ordre.",
            "Relais collé confirmé par le test. Le support m'envoie un récepteur neuf sous garantie.",
        ],
    ),
    subject(
        "screen-dead", "depannage", "question",
        [
            "L'écran du {thermo} reste noir",
            "{thermo} : écran qui s'éteint au bout d'une seconde",
            "Piles neuves mais thermostat toujours éteint",
            "L'écran du {thermo} s'éteint, mais l'appli le voit en ligne",
            "Réparer l'écran du thermostat ou faire jouer la garantie ?",
        ],
        [
            """
            Ce matin, écran complètement noir sur mon {thermo}. J'ai changé les piles (neuves, de
            marque), rien. Le chauffage semble tourner au hasard. Il a un peu plus de deux ans, donc
            plus sous garantie…
            """,
            """
            L'écran s'allume une seconde quand j'appuie sur la molette puis s'éteint. L'appli, elle,
            affiche toujours le thermostat en ligne avec la bonne température.
            """,
        ],
        [
            """
            Si l'appli le voit en ligne, le thermostat fonctionne, c'est juste l'affichage. Regarde
            `Réglages > Écran > Mise en veille` : il y a une option `Écran toujours éteint` qui est
            parfois activée par erreur lors d'une mise à jour.
            """,
            """
            Écran noir avec piles neuves, vérifie le sens des piles et surtout **les contacts** :
            une trace d'oxydation suffit. Un coton-tige avec un peu de vinaigre blanc, on sèche bien,
            et souvent ça repart.
            """,
            """
            Hors garantie, le support propose une réparation forfaitaire, ou l'échange contre un
            reconditionné à prix réduit. Demande-leur un devis avant d'en racheter un neuf. Il y a aussi
            des ateliers de réparation associatifs qui s'y connaissent :
            https://example.org/annuaire/repair-cafes
            """,
        ],
        [
            "L'option `Écran toujours éteint` s'était activée toute seule. Désactivée, l'écran est revenu.",
            "Les contacts étaient oxydés. Un coup de vinaigre blanc et il est reparti, pas besoin de réparation.",
        ],
    ),
    subject(
        "breaker-trips", "depannage", "question",
        [
            "Le disjoncteur saute quand j'allume {appliance} via la prise {plug}",
            "Ma prise {plug} a chauffé et sent le brûlé",
            "Coupures d'électricité depuis le branchement de la prise {plug}",
            "Prise {plug} brûlante avec un radiateur d'appoint",
            "Prise connectée et radiateur 2000 W : le disjoncteur saute",
        ],
        [
            """
            Depuis que {appliance} est branché sur une prise {plug}, le disjoncteur saute une fois sur
            deux à l'allumage. Branché directement au mur, aucun problème. La prise est-elle
            défectueuse ?
            """,
            """
            Ce soir ma prise {plug} était très chaude au toucher et il y avait une odeur de plastique
            brûlé. Elle alimentait un radiateur d'appoint de 2000 W, via une multiprise. Je l'ai
            débranchée immédiatement.
            """,
        ],
        [
            """
            **Odeur de brûlé = on n'utilise plus la prise**, même si elle fonctionne encore. Ensuite :

            - ne jamais brancher un radiateur via une multiprise + une prise connectée, ça cumule les
              points de contact ;
            - la {plug} supporte 16 A, mais un radiateur en continu la fait travailler à la limite ;
            - déclare l'incident au support avec une photo : ce type de cas est pris en charge.
            """,
            """
            Un disjoncteur qui saute à l'allumage, c'est souvent le **pic de démarrage** d'un moteur ou
            d'une résistance. La prise n'y est pour rien : elle laisse passer le courant. Vérifie le
            calibre du disjoncteur de ce circuit (un 10 A pour une prise, c'est trop juste).
            """,
            """
            Si c'est le **différentiel** qui saute (l'interrupteur 30 mA) et pas le disjoncteur, c'est
            une fuite de courant, souvent l'appareil lui-même. Là il faut faire vérifier l'installation
            par un électricien, on ne bricole pas.
            """,
        ],
        [
            "Prise déclarée au support, remplacée sans discuter. Et le radiateur est maintenant branché sans multiprise.",
            "C'était le disjoncteur du circuit, un 10 A. L'électricien l'a remplacé par un 16 A, plus de coupure.",
        ],
    ),
    subject(
        "solar-zero", "depannage", "question",
        [
            "Kit Sol : production à zéro depuis hier",
            "Production solaire bien plus faible que prévu",
            "Micro-onduleur du kit Sol qui clignote rouge",
            "Kit Sol : 40 % de la production annoncée",
        ],
        [
            """
            Depuis hier, production à **0 W** sur mon kit Sol ({solar}) alors qu'il fait beau. Le
            micro-onduleur clignote rouge. Il n'y a pas eu d'orage, je n'ai rien touché.
            """,
            """
            Mon kit Sol produit environ 40 % de ce qu'annonce le simulateur. Orientation sud-ouest,
            inclinaison 30°, pas d'ombre à part une cheminée le matin. Est-ce normal ?
            """,
        ],
        [
            """
            Rouge clignotant sur le micro-onduleur, c'est qu'il ne voit pas le réseau électrique :

            1. Vérifie le disjoncteur du circuit où est branché le kit.
            2. Débranche et rebranche le connecteur côté prise (courant coupé).
            3. Attends 5 minutes : au démarrage, il teste le réseau avant d'injecter.
            """,
            """
            Le simulateur donne une moyenne annuelle en conditions idéales. Une cheminée qui fait de
            l'ombre le matin sur **un seul** panneau peut faire chuter tout le string si les panneaux
            sont en série. Avec un micro-onduleur par paire, l'impact est limité, mais il existe.
            """,
            """
            Si un panneau sur deux ne produit rien, regarde les connecteurs MC4 entre le panneau et le
            micro-onduleur : un connecteur mal clipsé, et c'est zéro. Et fais le test de nuit ou panneau
            couvert, un panneau au soleil produit une tension dangereuse.
            """,
        ],
        [
            "Le disjoncteur du circuit extérieur avait sauté, tout simplement. Réarmé, la production est revenue.",
            None,
            "Un connecteur MC4 n'était pas clipsé jusqu'au bout. Le deuxième panneau produit enfin.",
        ],
    ),
    subject(
        "firmware-failed", "depannage", "question",
        [
            "Mise à jour {fw} bloquée à 45 %",
            "Revenir à l'ancien firmware, c'est possible ?",
            "Le {thermo} redémarre en boucle après la mise à jour",
            "Nouveau menu de la {fw} : peut-on revenir en arrière ?",
            "Échec de la mise à jour firmware, thermostat inutilisable ?",
        ],
        [
            """
            J'ai lancé la mise à jour vers la {fw} hier soir, elle est restée bloquée à 45 % toute la
            nuit. Ce matin le {thermo} affiche le logo Voltéa et redémarre toutes les 30 secondes.
            Plus de chauffage programmé…
            """,
            """
            Depuis la mise à jour {fw}, je trouve le nouveau menu beaucoup moins pratique et
            l'anticipation se comporte différemment. Est-il possible de revenir à la version
            précédente ?
            """,
        ],
        [
            """
            Pas de panique, le thermostat a une partition de secours :

            1. Retire les piles (ou coupe l'alimentation) pendant 1 minute.
            2. Remets-les en maintenant la molette appuyée jusqu'à voir `RECOVERY`.
            3. Il se reconnecte au Wi-Fi et retélécharge le firmware complet.

            Laisse-le bien à portée de la box pendant l'opération.
            """,
            """
            Pour revenir en arrière : ce n'est pas proposé dans l'appli, mais le support peut forcer
            l'ancienne version sur demande. Ils demandent le numéro de série et la raison. Cela dit, la
            version suivante corrige justement le comportement de l'anticipation.
            """,
            """
            En attendant, tu peux passer la chaudière sur son propre thermostat (ou en marche forcée
            courte) pour ne pas avoir froid. Mieux vaut lancer les mises à jour en journée, jamais la
            veille d'un départ en vacances.
            """,
        ],
        [
            "Le mode `RECOVERY` a fonctionné, mise à jour terminée en dix minutes et programmes conservés.",
            "Le support a forcé l'ancienne version, et finalement la suivante a corrigé l'anticipation.",
        ],
        advice=(1,),
    ),
    subject(
        "open-window", "depannage", "question",
        [
            "Fausse détection de fenêtre ouverte dans {room}",
            "Tête Vanne qui passe en hors-gel toute seule",
            "Chauffage coupé plusieurs fois par jour, mode `Fenêtre ouverte`",
            "La détection « fenêtre ouverte » coupe le chauffage tous les matins",
        ],
        [
            """
            La tête thermostatique de {room} passe en `Fenêtre ouverte` plusieurs fois par jour, alors
            que la fenêtre est fermée. Le chauffage se coupe 30 minutes à chaque fois et la pièce
            n'arrive jamais à {temp} °C.
            """,
            """
            Depuis la mise à jour, mes têtes Vanne passent en hors-gel toutes seules, surtout le matin.
            L'appli dit « fenêtre ouverte détectée ». On aère dix minutes le matin, c'est vrai, mais
            ça dure ensuite toute la matinée.
            """,
        ],
        [
            """
            La détection se base sur une **chute rapide** de température. Si la tête est près d'une
            porte ou d'un courant d'air, elle se déclenche à tort. Réglages possibles :

            - `Sensibilité` : passer de `Haute` à `Normale` ;
            - `Durée de coupure` : réduire à 15 minutes ;
            - ou désactiver la détection pour cette pièce seulement.
            """,
            """
            Si tu as le module fenêtre (le capteur d'ouverture), associe-le à la pièce : la tête utilise
            alors le capteur au lieu de deviner. Plus aucun faux positif chez moi depuis.
            """,
            """
            Le coup du « ça dure toute la matinée » était un bug de la 3.0 : la reprise ne se faisait
            pas tant que la température n'était pas remontée. Corrigé dans la mise à jour suivante,
            vérifie ta version dans `Réglages > Appareil`.
            """,
        ],
        [
            "Sensibilité passée sur `Normale`, plus de coupure intempestive depuis une semaine.",
            "J'ai associé le capteur d'ouverture à la pièce : plus aucune fausse détection.",
            "Mise à jour faite, et la reprise après aération fonctionne normalement maintenant.",
        ],
    ),
]

APPLICATION = [
    subject(
        "app-login", "application", "question",
        [
            "Impossible de me connecter à l'appli {app}",
            "L'appli me déconnecte à chaque ouverture",
            "Code de vérification jamais reçu par e-mail",
            "Connexion par empreinte qui ne marche plus dans l'appli",
            "Mot de passe refusé alors qu'il est correct",
        ],
        [
            """
            Depuis ce matin, l'appli {app} refuse mon mot de passe. Je l'ai réinitialisé deux fois,
            j'ai bien reçu les e-mails, mais ensuite le code de vérification n'arrive jamais. Je suis
            sur {phone}.
            """,
            """
            L'appli me demande de me reconnecter **à chaque ouverture**. Ce n'est pas bloquant, mais
            c'est pénible, et la connexion automatique par empreinte ne marche plus non plus.
            """,
        ],
        [
            """
            Pour le code qui n'arrive pas :

            1. Regarde dans les **indésirables** et l'onglet « Promotions » si tu en as un.
            2. Attends 5 minutes avant d'en redemander un : chaque nouvelle demande annule la précédente.
            3. Vérifie qu'il n'y a pas d'espace à la fin de ton adresse dans le champ e-mail.
            """,
            """
            La déconnexion à chaque ouverture, c'est souvent le nettoyage automatique du téléphone qui
            efface les données de l'appli. Sur Android : `Paramètres > Applications > {app} > Batterie`
            et choisis `Sans restriction`. Sur iPhone, vérifie que l'appli n'est pas déchargée
            automatiquement.
            """,
            """
            Si ton adresse e-mail est chez un petit fournisseur, les messages de vérification sont
            parfois bloqués. Le support peut valider le compte manuellement. Le formulaire est ici :
            https://example.org/voltea/aide/contact
            """,
        ],
        [
            "Le code était dans l'onglet Promotions, je n'y avais pas pensé.",
            "L'optimisation de batterie effaçait la session. Mise en `Sans restriction`, je reste connecté.",
        ],
    ),
    subject(
        "app-notifications", "application", "question",
        [
            "Plus aucune notification depuis la version {app_version}",
            "Alerte « consommation anormale » reçue en double",
            "Notifications perdues depuis la mise à jour de l'appli",
            "Couper les notifications de la batterie la nuit",
        ],
        [
            """
            Depuis la mise à jour {app_version} de l'appli, je ne reçois plus aucune notification : ni
            les alertes de batterie, ni le « fenêtre ouverte ». Elles apparaissent bien dans l'onglet
            `Activité` quand j'ouvre l'appli. Je suis sur {phone}.
            """,
            """
            Je reçois toutes les alertes « consommation anormale » **en double**, parfois en triple,
            à quelques secondes d'intervalle. Et la nuit, la batterie m'envoie une notification à
            chaque changement de mode, ça réveille toute la maison.
            """,
        ],
        [
            """
            Après une mise à jour, le téléphone remet parfois les autorisations à zéro :

            1. Paramètres du téléphone > Notifications > {app} : tout doit être autorisé.
            2. Dans l'appli : `Profil > Notifications`, vérifie chaque catégorie.
            3. Déconnecte-toi puis reconnecte-toi : ça réenregistre le téléphone pour les envois.
            """,
            """
            Les doublons viennent souvent d'**anciens téléphones** encore associés au compte (une vieille
            tablette, l'ancien téléphone revendu…). Regarde `Profil > Appareils connectés` et supprime
            ceux que tu n'utilises plus.
            """,
            """
            Pour la nuit, il y a un mode `Ne pas déranger` dans `Profil > Notifications > Horaires`.
            Les alertes critiques (surchauffe, coupure) passent quand même, les autres attendent le
            matin.
            """,
        ],
        [
            "Il fallait se déconnecter et se reconnecter. Les notifications sont revenues tout de suite.",
            "Il y avait trois vieux téléphones associés au compte, dont celui que j'ai revendu ! Supprimés.",
        ],
    ),
    subject(
        "app-sharing", "application", "question",
        [
            "Partager l'accès au thermostat avec mon conjoint",
            "Mon fils a changé tous les réglages : limiter les droits ?",
            "Plusieurs comptes pour une même maison : comment faire ?",
            "Limiter la consigne maximale dans la chambre d'un ado",
        ],
        [
            """
            Pour l'instant tout est sur mon compte et ma compagne utilise mon mot de passe, ce qui
            n'est pas idéal. Est-ce qu'on peut avoir deux comptes qui pilotent la même maison ?
            """,
            """
            Mon ado a découvert l'appli et a mis la consigne de sa chambre à 24 °C, en dérogation
            permanente. Y a-t-il moyen de limiter ce que chaque membre de la famille peut modifier ?
            """,
        ],
        [
            """
            Oui, c'est prévu :

            1. `Maison > Membres > Inviter`.
            2. Saisis l'adresse e-mail de la personne.
            3. Choisis son rôle : `Administrateur`, `Membre` ou `Invité`.

            La personne crée son propre compte via le lien reçu, et chacun a ses propres notifications.
            """,
            """
            Le rôle `Membre` peut changer les consignes mais pas les plannings ni les réglages des
            appareils. Pour un ado, c'est suffisant. Il y a aussi une `Consigne maximale` par pièce
            dans `Pièces > Réglages` : même en dérogation, impossible de dépasser.
            """,
            """
            Pour la baby-sitter, le rôle `Invité` a une date d'expiration. Pratique aussi pour les
            locations saisonnières.
            """,
        ],
        [
            "Invitation envoyée, ma compagne a son compte et ses propres alertes. Merci !",
            "Consigne maximale à 21 °C dans sa chambre, et rôle `Membre`. Il a râlé, mais ça marche 😄",
        ],
        advice=(0, 1),
    ),
    subject(
        "app-history", "application", "question",
        [
            "Historique de consommation vide dans l'appli",
            "Exporter mes données de consommation en CSV",
            "Les graphiques de consommation s'arrêtent au début du mois",
            "Récupérer mon historique de consommation dans un tableur",
        ],
        [
            """
            L'onglet `Énergie` n'affiche plus rien depuis le début du mois : les graphiques s'arrêtent
            net. Les appareils sont en ligne et fonctionnent. J'ai l'appli {app_version}.
            """,
            """
            J'aimerais récupérer mon historique de consommation pour le comparer avec ma facture
            dans un tableur. Je ne trouve pas d'option d'export. Quelqu'un sait si c'est possible ?
            """,
        ],
        [
            """
            L'export existe, mais pas dans l'appli mobile :

            1. Connecte-toi sur l'espace web : https://example.org/voltea/mon-compte
            2. `Énergie > Historique`.
            3. Choisis la période puis `Exporter` : tu as le choix entre CSV et JSON.
            """,
            """
            Graphiques vides depuis le début du mois, c'est souvent le cache. `Profil > Stockage >
            Vider le cache` puis relance l'appli. Les données ne sont pas perdues, elles sont sur le
            serveur.
            """,
            """
            Pour comparer avec la facture, attention : l'appli compte ce que **mesurent les appareils**
            (ou le module Compteur), la facture peut être basée sur un relevé estimé. Sur un an, les
            deux se rejoignent à quelques pourcents.
            """,
        ],
        [
            "Export CSV fait depuis l'espace web, c'est exactement ce qu'il me fallait.",
            "Le vidage du cache a suffi, tout l'historique est revenu.",
        ],
        advice=(1,),
    ),
    subject(
        "home-automation", "application", "question",
        [
            "Piloter le {thermo} depuis Home Assistant",
            "Scénario « Je pars de la maison » qui ne se déclenche pas",
            "API locale : où trouver le jeton d'accès ?",
            "Mes scénarios ne se déclenchent qu'une fois sur trois",
        ],
        [
            """
            J'ai un serveur domotique à la maison et j'aimerais intégrer le {thermo} et les prises
            {plug}. J'ai vu qu'il existait une API locale, mais je ne trouve pas où activer l'accès
            ni générer un jeton.
            """,
            """
            Mon scénario « Je pars de la maison » (tout passer en éco + éteindre les prises) ne se
            déclenche qu'une fois sur trois. Quand je le lance à la main, ça marche.
            """,
        ],
        [
            """
            L'API locale se trouve dans un menu un peu caché :

            1. `Profil > Avancé > Développeurs` (appuie 5 fois sur le numéro de version pour l'afficher).
            2. Active `API locale`.
            3. `Générer un jeton` : copie-le tout de suite, il n'est affiché qu'une fois.

            Ensuite les appels se font sur `http://<ip-du-hub>/api/v1`, avec le jeton dans l'en-tête.
            """,
            """
            J'utilise l'intégration communautaire depuis un an, ça marche très bien en local, sans
            passer par le cloud. La doc est ici : https://example.org/communaute/integration-domotique
            """,
            """
            Pour le scénario : s'il est déclenché par la **géolocalisation**, c'est elle qui est en
            cause, pas le scénario. Vérifie que l'appli a l'autorisation de localisation `Toujours`,
            et pas seulement `Pendant l'utilisation`.
            """,
        ],
        [
            "Le menu caché, il fallait le savoir ! Jeton généré et intégration fonctionnelle.",
            "L'intégration communautaire fonctionne parfaitement, tout est piloté en local.",
            "La localisation était en `Pendant l'utilisation`. Passée sur `Toujours`, le scénario se déclenche.",
        ],
        advice=(0,),
    ),
    subject(
        "geofencing", "application", "question",
        [
            "Le mode absence automatique ne se déclenche jamais",
            "Géolocalisation : le chauffage se relance alors que je suis au bureau",
            "Géolocalisation activée, mais la maison reste chauffée toute la journée",
            "Mode `Absence` et plusieurs téléphones dans le foyer",
        ],
        [
            """
            J'ai activé le mode `Absence` automatique, rayon de 500 m. Il ne se déclenche jamais : la
            maison reste chauffée à {temp} °C toute la journée alors que nous sommes tous partis.
            """,
            """
            Nous sommes deux dans le foyer avec l'appli. Le chauffage repasse en confort au milieu de
            la journée alors que nous sommes tous les deux au travail. Comme si l'un de nous était
            revenu.
            """,
        ],
        [
            """
            Le mode absence ne s'active que quand **tous** les téléphones du foyer sont sortis de la
            zone. Si un vieux téléphone reste à la maison (celui des enfants, une tablette…), il bloque
            tout. `Maison > Membres` : décoche `Compte pour la présence` sur les appareils qui restent
            à la maison.
            """,
            """
            Un rayon de 500 m, c'est trop petit en ville : le téléphone « saute » d'une antenne à
            l'autre et croit revenir. Passe à 1 ou 2 km, c'est beaucoup plus fiable.
            """,
            """
            Côté batterie du téléphone : la géolocalisation de l'appli utilise les zones du système, qui
            consomment très peu. Si ta batterie fond, c'est plutôt l'option `Précision élevée`, à
            désactiver dans `Profil > Présence`.
            """,
        ],
        [
            "C'était la vieille tablette du salon qui comptait pour la présence. Décochée, l'absence se déclenche.",
            "Rayon passé à 2 km, plus de retour au confort intempestif.",
        ],
    ),
    subject(
        "new-router", "application", "question",
        [
            "Nouvelle box internet : comment reconnecter tous mes appareils ?",
            "Répéteur Wi-Fi et prises connectées : ça se passe mal",
            "Changement de box : faut-il tout réinstaller ?",
            "Mes prises {plug} hésitent entre la box et le répéteur",
        ],
        [
            """
            Je change d'opérateur la semaine prochaine, donc nouvelle box et nouveau Wi-Fi. J'ai un
            {thermo}, quatre prises {plug} et le Hub. Est-ce que je dois tout réinstaller un par un
            et refaire tous mes programmes ?
            """,
            """
            J'ai ajouté un répéteur Wi-Fi à l'étage et depuis, mes prises {plug} se déconnectent sans
            arrêt. Elles semblent hésiter entre la box et le répéteur.
            """,
        ],
        [
            """
            Astuce qui évite tout : donne au Wi-Fi de la nouvelle box **exactement le même nom et le
            même mot de passe** que l'ancien. Les appareils se reconnectent tout seuls, sans rien
            réinstaller.
            """,
            """
            Sinon, il y a une fonction prévue pour ça :

            1. `Maison > Réglages > Changer de réseau Wi-Fi`.
            2. Fais-le **avant** de débrancher l'ancienne box.
            3. L'appli envoie les nouveaux identifiants à tous les appareils en une fois.

            Les programmes, pièces et scénarios sont conservés.
            """,
            """
            Avec un répéteur qui diffuse le même nom de réseau, les prises ne savent pas bien choisir.
            Donne un nom différent au répéteur et connecte les prises de l'étage dessus, ou mieux,
            passe à un système Wi-Fi maillé.
            """,
        ],
        [
            "Même nom, même mot de passe sur la nouvelle box : tout s'est reconnecté en cinq minutes.",
            "J'ai utilisé `Changer de réseau Wi-Fi` avant de débrancher l'ancienne box : tout a suivi, programmes compris.",
            "J'ai donné un nom différent au répéteur, et les prises de l'étage ne décrochent plus.",
        ],
        advice=(0,),
    ),
    subject(
        "app-crash", "application", "question",
        [
            "L'appli plante au démarrage depuis la {app_version}",
            "L'appli est très lente pour afficher les pièces",
            "Écran blanc au lancement de l'application",
            "20 secondes pour afficher la liste des pièces",
        ],
        [
            """
            Depuis la mise à jour {app_version}, l'appli se ferme dès l'écran de démarrage. Je suis sur
            {phone}. Réinstallée deux fois, même résultat. Plus moyen de piloter quoi que ce soit.
            """,
            """
            L'appli met **20 secondes** à afficher la liste des pièces, alors qu'avant c'était
            instantané. J'ai une quinzaine d'appareils. Je suis sur {phone}.
            """,
        ],
        [
            """
            Un plantage au démarrage après mise à jour, c'est souvent des données en cache devenues
            incompatibles :

            1. Paramètres du téléphone > Applications > {app} > Stockage.
            2. `Vider le cache` **et** `Effacer les données`.
            3. Relance et reconnecte-toi : tes réglages sont sur le serveur, rien n'est perdu.
            """,
            """
            La lenteur vient souvent de l'affichage des graphiques sur la page d'accueil. Dans
            `Profil > Affichage`, désactive `Mini-graphiques`, c'est le jour et la nuit.
            """,
            """
            En attendant un correctif, le pilotage reste possible depuis l'espace web
            (https://example.org/voltea/mon-compte). Pensez à envoyer un rapport de plantage au
            support, plus il y en a, plus vite c'est corrigé.
            """,
        ],
        [
            "Vider le cache ne suffisait pas, mais `Effacer les données` oui. L'appli redémarre normalement.",
            "Mini-graphiques désactivés, la liste s'affiche instantanément.",
        ],
    ),
]

ECONOMIES = [
    subject(
        "setpoint", "economies-energie", "discussion",
        [
            "19 °C le jour, 16 °C la nuit : vraiment rentable ?",
            "Quelle température de consigne dans {room} ?",
            "Baisser la consigne d'un degré : quel gain sur la facture ?",
            "Consigne de {room} : la guerre des degrés",
        ],
        [
            """
            On lit partout qu'un degré de moins, c'est **7 % d'économie** sur le chauffage. Je chauffe
            avec {heating} et j'ai baissé de {temp} à 19 °C cet hiver. Honnêtement, je ne vois pas
            encore la différence sur la facture.

            Vous avez mesuré quelque chose de votre côté ?
            """,
            """
            Petite question de confort : quelle consigne mettez-vous dans {room} ? Chez nous c'est la
            guerre entre ceux qui veulent 22 °C et ceux qui ouvrent la fenêtre à 20 °C 😅
            """,
        ],
        [
            """
            Chiffres réels chez moi ({home}, {heating}) : passage de 21 à 19 °C, **-{pct} %** de
            consommation de chauffage, à météo comparable. Donc oui, ça marche, mais il faut comparer
            sur un hiver complet.
            """,
            """
            Ce qui a le plus joué chez moi, ce n'est pas la consigne de jour, c'est **l'abaissement de
            nuit et pendant les absences**. 16 °C la nuit, 17 °C quand on travaille, et l'anticipation
            remonte tout avant le retour.
            """,
            """
            Attention aux extrêmes dans une maison mal isolée : descendre à 15 °C la nuit, c'est parfois
            plus de consommation le matin pour remonter, sans compter l'humidité. Je reste à 17 °C.
            """,
            """
            Pour les chambres, 17-18 °C, c'est ce qui est conseillé pour bien dormir. Et dans la salle
            de bain, une dérogation de 30 minutes à 22 °C le matin plutôt que toute la journée.
            """,
            """
            Un pull et des chaussons, ça vaut bien deux degrés ! Plus sérieusement, on s'est habitués à
            19 °C en deux semaines.
            """,
        ],
    ),
    subject(
        "off-peak", "economies-energie", "discussion",
        [
            "Programmer {appliance} en heures creuses avec une prise {plug}",
            "Option Tempo et pilotage automatique : vos retours",
            "Heures creuses : décaler les appareils, ça vaut le coup ?",
            "Éviter les jours les plus chers : vos astuces",
        ],
        [
            """
            Je suis en {tarif} et je me demande si ça vaut le coup de tout décaler la nuit : lave-linge,
            lave-vaisselle, chauffe-eau. J'ai des prises {plug} qui permettent de programmer facilement.

            Vous le faites ? Quel gain réel sur la facture ?
            """,
            """
            On est passés sur une offre avec des jours très chers en hiver. Je me demande comment
            automatiser au maximum pour ne pas y penser : délestage, batterie, prises…
            """,
        ],
        [
            """
            Chez moi, en heures creuses, le chauffe-eau fait déjà l'essentiel. Décaler le lave-linge et
            le lave-vaisselle rapporte une trentaine d'euros par an. Pas énorme, mais c'est zéro effort
            une fois programmé.
            """,
            """
            Attention pour le lave-linge la nuit : certaines assurances n'aiment pas les appareils qui
            tournent sans surveillance, et les voisins en appartement non plus. Je le lance en début
            d'heures creuses, à 22 h, pas à 3 h.
            """,
            """
            Pour les jours chers, j'utilise le `Délestage` : les radiateurs des chambres passent en éco
            de 6 h à 22 h et la batterie se recharge la veille en heures creuses. Sur l'hiver dernier,
            **{euros} €** d'économie par rapport à l'option Base.
            """,
            """
            Astuce : une prise {plug} sur le sèche-serviettes, programmée 30 minutes le matin. Ce truc
            restait allumé toute la journée avant, c'était ma plus grosse dépense cachée.
            """,
            """
            Faites le calcul avant de changer d'option : l'abonnement heures creuses est plus cher. Si
            moins de 30 % de la consommation tombe en heures creuses, ce n'est pas rentable.
            """,
        ],
    ),
    subject(
        "bills", "economies-energie", "discussion",
        [
            "Bilan après un hiver avec le {thermo} : -{pct} % sur la facture",
            "Combien économisez-vous vraiment ? Partagez vos chiffres",
            "Un an d'autoconsommation : mes chiffres",
            "Vos vraies économies, factures à l'appui",
        ],
        [
            """
            Un an après l'installation complète (thermostat, têtes Vanne, kit Sol), je fais le bilan.
            J'habite {home} {region_in}, {surface} m², je chauffe avec {heating}.

            - consommation annuelle : en baisse de {pct} % ;
            - facture : environ **{euros} €** de moins sur l'année ;
            - confort : meilleur, surtout grâce à l'anticipation.

            Et vous, vos chiffres ?
            """,
            """
            On voit beaucoup de promesses d'économies, mais peu de vrais chiffres. Je propose qu'on
            partage nos factures avant/après, en précisant le logement et le mode de chauffage, pour
            se faire une idée honnête.
            """,
        ],
        [
            """
            Je joue le jeu : {home}, {surface} m², {heating}. Avant : 9 800 kWh/an. Après le thermostat
            et un peu d'isolation des combles : 7 900 kWh. Difficile de savoir ce qui vient de quoi,
            mais la facture a baissé de {euros} € environ.
            """,
            """
            De mon côté, le kit Sol ({solar}) couvre environ **25 %** de ma consommation. Sans batterie,
            j'autoconsomme 85 % de la production en décalant le chauffe-eau à midi.
            """,
            """
            Honnêtement, chez moi le gain est faible : -5 %. Mais je partais d'une maison déjà très bien
            réglée, avec un vieux thermostat programmable que j'utilisais correctement. Le confort et le
            pilotage à distance, c'est le vrai plus.
            """,
            """
            Petit conseil pour comparer : utilisez les **degrés-jours unifiés** de votre région. Un hiver
            doux fait mécaniquement baisser la facture, ça fausse tous les bilans.
            """,
            """
            Avec la batterie {battery} en plus du solaire, je suis passé de 40 % à 70 % d'autonomie sur
            l'année. Mais le retour sur investissement de la batterie seule reste long, plus de dix ans
            chez moi.
            """,
        ],
    ),
    subject(
        "standby", "economies-energie", "discussion",
        [
            "Chasse aux veilles : ce que mes prises ont révélé",
            "Box, décodeur, console : couper la nuit, bonne idée ?",
            "Quels appareils consomment le plus en veille chez vous ?",
            "Éteindre la box internet la nuit : bonne ou mauvaise idée ?",
            "85 W de veille en permanence chez moi !",
        ],
        [
            """
            J'ai promené une prise {plug} dans toute la maison pendant un mois pour mesurer les veilles.
            Résultat : **85 W** en permanence, soit plus de 700 kWh par an ! Les pires :

            - le décodeur TV (18 W, même « éteint ») ;
            - une vieille chaîne hi-fi (12 W) ;
            - l'imprimante (8 W).

            Qui dit mieux ?
            """,
            """
            Est-ce vraiment une bonne idée de couper la box et le décodeur la nuit ? On lit tout et son
            contraire : usure, mises à jour ratées, ligne déclarée instable…
            """,
        ],
        [
            """
            Chez moi le champion, c'était la **cave à vin** du garage : 60 W en moyenne, je ne
            l'imaginais pas. Et le sèche-serviettes oublié en marche dans la salle de bain.
            """,
            """
            Couper la box la nuit : je déconseille. Elle fait ses mises à jour la nuit, et les coupures
            répétées peuvent faire baisser le débit de la ligne. Le décodeur, en revanche, aucun
            problème.
            """,
            """
            Une prise {plug} sur le coin télé (décodeur + console + barre de son), éteinte de minuit à
            17 h : 110 kWh économisés par an. Ça paie la prise en un an.
            """,
            """
            Pensez à regarder aussi la consommation **la nuit** sur le module Compteur : le talon de
            consommation (le minimum) donne directement la somme de toutes vos veilles.
            """,
        ],
    ),
    subject(
        "battery-worth", "economies-energie", "discussion",
        [
            "Batterie {battery} : combien d'années pour l'amortir ?",
            "Batterie ou chauffe-eau piloté : que privilégier avec le solaire ?",
            "Taux d'autoconsommation avec et sans batterie",
            "Petit kit solaire : stocker le surplus dans le chauffe-eau ?",
        ],
        [
            """
            J'ai un kit Sol ({solar}) et je me demande si ajouter une batterie {battery} est rentable.
            Mon surplus part sur le réseau l'après-midi, mais le soir je consomme beaucoup.

            Ceux qui ont sauté le pas, vous amortissez en combien de temps ?
            """,
            """
            Avec un petit kit solaire, vaut-il mieux investir dans une batterie, ou simplement piloter
            le chauffe-eau et les gros appareils pour consommer au bon moment ?
            """,
        ],
        [
            """
            Mon calcul, facture à l'appui : la batterie me fait gagner environ {euros} € par an. Au
            prix d'achat, c'est **12 ans** d'amortissement, pour une garantie de 10 ans. Financièrement,
            ce n'est pas l'affaire du siècle. Je l'ai prise surtout pour les coupures.
            """,
            """
            Avec un petit kit, pilotez d'abord le chauffe-eau : c'est une **batterie gratuite** de
            plusieurs kWh. Une prise pilotée ou un routeur solaire, et vous stockez votre surplus sous
            forme d'eau chaude.
            """,
            """
            Surdimensionner pour l'hiver, c'est inutile : en hiver le solaire produit peu, la batterie
            sera rarement pleine. Dimensionnez sur la consommation du soir en mi-saison.
            """,
            """
            Taux d'autoconsommation chez moi : 62 % sans batterie, 91 % avec. Mais mon taux
            d'**autoproduction** (la part de ma conso couverte par le solaire) n'est passé que de
            28 à 41 %. Ce sont deux chiffres très différents, attention aux publicités.
            """,
        ],
    ),
    subject(
        "insulation-first", "economies-energie", "discussion",
        [
            "Isolation d'abord, thermostat connecté ensuite ?",
            "Courants d'air et fenêtres : par quoi commencer ?",
            "Rénovation énergétique avec un petit budget : vos priorités",
            "Chasse aux courants d'air : vos petites actions efficaces",
            "Thermostat connecté dans une passoire thermique, utile ?",
        ],
        [
            """
            Maison des années 70, {surface} m², {heating}, mal isolée. J'ai un budget limité cette année.
            Est-ce que ça a du sens de commencer par le thermostat connecté, ou faut-il d'abord isoler ?
            """,
            """
            Je fais la chasse aux courants d'air chez moi. Pour l'instant : joints de fenêtres et
            boudins de porte. Quelles autres petites actions ont vraiment marché chez vous ?
            """,
        ],
        [
            """
            L'isolation des **combles** reste de loin l'action la plus rentable : c'est par le toit que
            part l'essentiel de la chaleur. Le thermostat vient après, mais il coûte beaucoup moins
            cher, donc les deux se défendent.
            """,
            """
            Petites actions efficaces chez moi :

            - film isolant sur les vieilles fenêtres en hiver ;
            - rideaux épais fermés dès la tombée de la nuit ;
            - panneaux réflecteurs derrière les radiateurs sur les murs extérieurs ;
            - purger les radiateurs en début de saison.
            """,
            """
            Le thermostat connecté dans une maison mal isolée, c'est même là qu'il rapporte le plus en
            pourcentage : chaque degré évité compte davantage. Mais il ne fera pas de miracle sur le
            confort.
            """,
            """
            Renseignez-vous sur les aides à la rénovation avant de lancer quoi que ce soit. Un
            conseiller de l'espace conseil de votre région peut faire un point gratuit.
            """,
        ],
    ),
    subject(
        "heat-pump", "economies-energie", "discussion",
        [
            "Pompe à chaleur et {thermo} : bonne combinaison ?",
            "PAC qui fait des cycles courts : réglage de l'hystérésis",
            "Loi d'eau ou thermostat d'ambiance ?",
            "Ma pompe à chaleur démarre toutes les 10 minutes",
        ],
        [
            """
            Je viens de faire installer une pompe à chaleur air-eau. Le chauffagiste dit que le
            thermostat d'ambiance est inutile avec la **loi d'eau**, mais j'aimerais garder le {thermo}
            pour la programmation. Qui a raison ?
            """,
            """
            Ma pompe à chaleur démarre et s'arrête toutes les 10 minutes, ce qui n'est pas bon pour le
            compresseur, paraît-il. Est-ce que l'`Hystérésis` du thermostat peut aider ?
            """,
        ],
        [
            """
            Les deux se combinent très bien : la loi d'eau règle la **température de l'eau** selon
            l'extérieur, le thermostat gère la **présence** et corrige selon l'ambiance. Il faut juste
            éviter des abaissements de nuit trop forts avec une PAC, 1 à 2 °C maximum.
            """,
            """
            Oui, monter l'hystérésis à 0,5 °C réduit les cycles courts. Mais souvent, la vraie cause
            est une loi d'eau trop haute : la maison chauffe trop vite. À régler avec le chauffagiste.
            """,
            """
            Avec le kit solaire, je fais une petite surchauffe de 1 °C entre 12 h et 15 h quand il y a
            du surplus. La dalle stocke la chaleur et la PAC tourne moins le soir. Ça marche très bien
            sur un plancher chauffant.
            """,
            """
            Attention au mode `Anticipation` avec une PAC : il a tendance à démarrer très tôt. Chez moi
            il a fallu limiter l'anticipation à 1 h dans les réglages avancés.
            """,
        ],
    ),
]

IDEES = [
    subject(
        "idea-widget", "idees-suggestions", "discussion",
        [
            "Suggestion : un widget pour l'écran d'accueil",
            "Idée : la production solaire en direct dans un widget",
            "Widget pour montre connectée : qui serait intéressé ?",
            "Afficher l'état de la batterie dans la barre de notifications",
        ],
        [
            """
            Ce qui me manque le plus dans l'appli : un **widget** pour l'écran d'accueil du téléphone,
            avec la température actuelle, la consigne et un bouton « +1 °C / -1 °C ». Ouvrir l'appli à
            chaque fois, c'est long pour un simple réglage.

            Qui serait intéressé ? Si on est nombreux, peut-être que l'équipe l'ajoutera.
            """,
            """
            Idée pour l'appli : afficher la **production solaire en direct** et l'état de la batterie
            dans un widget, ou même dans la barre de notifications. Ça aiderait à lancer les appareils
            au bon moment.
            """,
        ],
        [
            """
            +1000 ! Et si possible un widget configurable : je voudrais choisir la pièce affichée.
            """,
            """
            En attendant, sur Android on peut créer un raccourci vers une pièce précise : appui long
            sur l'icône de l'appli, puis glisser `Pièces > {room}` sur l'écran d'accueil. Ce n'est pas
            un widget, mais ça dépanne.
            """,
            """
            Pour le solaire, ce serait génial avec un code couleur : vert = surplus, lancez vos
            machines ; orange = équilibre ; rouge = vous tirez sur le réseau.
            """,
            """
            Je serais plus réservé : chaque widget, c'est de la batterie de téléphone et des appels au
            serveur. Qu'il soit optionnel et qu'il se mette à jour toutes les 15 minutes seulement.
            """,
        ],
    ),
    subject(
        "idea-grid-alerts", "idees-suggestions", "discussion",
        [
            "Idée : pilotage automatique selon les alertes du réseau électrique",
            "Un mode « sobriété » en un clic",
            "Délestage automatique en cas de pic de consommation",
            "Un seul bouton pour baisser tout le chauffage d'un degré",
        ],
        [
            """
            Quand le réseau électrique est tendu l'hiver, on reçoit des alertes nationales. Ce serait
            bien que l'appli puisse **réagir automatiquement** : baisser les consignes d'un degré,
            décaler la charge de la batterie, couper certaines prises.

            Avec, bien sûr, la possibilité de choisir ce qui est concerné.
            """,
            """
            Ma suggestion : un bouton « sobriété » unique qui baisse tout le chauffage d'un degré,
            passe les prises non essentielles en arrêt et prévient les membres du foyer. Un clic au lieu
            de dix réglages.
            """,
        ],
        [
            """
            Excellente idée, à condition que ce soit **opt-in** et qu'on garde la main : je ne veux pas
            que mon chauffage baisse tout seul le jour où ma mère âgée est à la maison.
            """,
            """
            Je fais déjà ça avec un scénario : `Automatisations > Nouveau > Manuel`, j'y ai mis les
            consignes à -1 °C et trois prises. Le déclenchement automatique sur alerte manque, par
            contre.
            """,
            """
            Il faudrait aussi un retour automatique à la normale à la fin de l'alerte. Sinon on oublie
            et on reste à 18 °C pendant trois jours (vécu 😅).
            """,
            """
            Bonne idée, et ça aiderait vraiment le réseau si des milliers de foyers le faisaient en
            même temps. C'est typiquement le genre de fonction qui fait la différence entre deux
            marques.
            """,
        ],
    ),
    subject(
        "idea-open-data", "idees-suggestions", "discussion",
        [
            "Pour une API locale ouverte et documentée",
            "Export complet des données (CSV, JSON) depuis l'appli",
            "Un mode de fonctionnement sans cloud ?",
            "Pouvoir partir avec toutes ses données",
        ],
        [
            """
            Je suggère que l'**API locale** soit officiellement documentée et maintenue. Aujourd'hui
            elle existe mais change à chaque mise à jour, ce qui casse les intégrations domotiques.

            Et si un jour les serveurs ferment, nos appareils doivent continuer de fonctionner.
            """,
            """
            Ce serait bien de pouvoir tout exporter depuis l'appli : historique de consommation,
            températures, production, réglages. Aujourd'hui seul l'espace web permet un export
            partiel.
            """,
        ],
        [
            """
            Tout à fait : un mode **100 % local** devrait être un droit. J'ai déjà eu des appareils
            d'une autre marque devenus inutilisables du jour au lendemain après la fermeture de leur
            service.
            """,
            """
            +1 pour la documentation. Une page publique avec les points d'accès et un numéro de
            version, comme ici : https://example.org/exemples/api-versionnee
            """,
            """
            L'export complet, c'est aussi une question de respect de nos données : on doit pouvoir
            partir avec. Le format JSON serait parfait pour les bricoleurs, le CSV pour les autres.
            """,
            """
            Pour le module Compteur, les données brutes à la seconde seraient précieuses pour repérer
            les appareils à leur signature de consommation.
            """,
        ],
    ),
    subject(
        "idea-repair", "idees-suggestions", "discussion",
        [
            "Pour des pièces détachées et une meilleure réparabilité",
            "Proposer la réparation des thermostats hors garantie",
            "Vendre l'écran du thermostat en pièce détachée",
            "Un vrai service de réparation plutôt que l'échange standard",
        ],
        [
            """
            Mon {thermo} a un écran fissuré après une chute. Tout le reste fonctionne. On me propose un
            échange à prix réduit, mais je préférerais **réparer** : changer l'écran moi-même, avec
            une pièce et un tuto.

            Je propose que la marque vende les pièces détachées courantes.
            """,
            """
            Suggestion : un vrai service de réparation pour les appareils hors garantie, au lieu d'un
            remplacement systématique. Ce serait cohérent avec l'image « économies d'énergie » de la
            marque.
            """,
        ],
        [
            """
            Complètement d'accord. Un produit « écologique » qui part à la poubelle pour un écran
            fissuré, ça fait tache. Les ateliers de réparation près de chez moi seraient ravis d'avoir
            les pièces.
            """,
            """
            J'ai démonté le mien : l'écran est clipsé et relié par une nappe, rien de compliqué. Avec
            la pièce, la réparation prendrait dix minutes.
            """,
            """
            Il faudrait au minimum : écran, boîtier, bornier du récepteur et carte Wi-Fi. Et des vis
            standards plutôt que des clips qui cassent.
            """,
            """
            Un indice de réparabilité affiché sur la fiche produit serait un vrai argument de vente.
            """,
        ],
    ),
    subject(
        "idea-second-home", "idees-suggestions", "discussion",
        [
            "Gérer une résidence secondaire dans la même appli",
            "Mode hors-gel programmé pour une maison de vacances",
            "Suggestion : alerte de température basse pour la résidence secondaire",
            "Programmer le retour au confort pour une date d'arrivée",
            "Tableau de bord multi-logements",
        ],
        [
            """
            Nous avons une petite maison de vacances {region_in}. J'aimerais la gérer dans la même appli
            que la résidence principale, avec un bouton pour passer de l'une à l'autre, et surtout une
            **alerte si la température descend sous 5 °C** l'hiver.
            """,
            """
            Ce qui manque pour une résidence secondaire : programmer le retour à la température de
            confort pour une date d'arrivée, sans devoir y penser la veille.
            """,
        ],
        [
            """
            Le multi-logements existe déjà en partie : `Profil > Maisons > Ajouter`. Mais il manque un
            tableau de bord qui montre tous les logements en même temps.
            """,
            """
            +1 pour l'alerte de température basse, c'est vital : l'an dernier une canalisation a gelé
            chez mes parents, le chauffage s'était coupé sans qu'on le sache.
            """,
            """
            Le mode `Vacances` permet déjà de programmer une date de retour, mais seulement pour la
            maison affichée. Il faudrait le même calendrier partagé entre les logements.
            """,
            """
            Idée complémentaire : une alerte si un logement passe **hors ligne** plus de 12 h. C'est
            souvent le signe d'une coupure de courant.
            """,
        ],
    ),
    subject(
        "idea-compare", "idees-suggestions", "discussion",
        [
            "Comparer sa consommation avec des foyers similaires (anonymement)",
            "Idée : un objectif mensuel de consommation",
            "Des défis d'économies entre membres ?",
            "Un budget énergie mensuel dans l'appli",
        ],
        [
            """
            J'aimerais savoir si je consomme « beaucoup » ou pas. Ce serait intéressant de se comparer,
            **anonymement**, à des foyers similaires : même surface, même mode de chauffage, même
            région.
            """,
            """
            Suggestion : pouvoir fixer un objectif mensuel de consommation (en kWh ou en euros) et voir
            où on en est dans le mois. Un peu comme un budget.
            """,
        ],
        [
            """
            Intéressant, mais à condition que ce soit vraiment anonyme et **désactivé par défaut**. Je
            n'ai pas envie que mes données partent n'importe où.
            """,
            """
            L'objectif mensuel me motiverait beaucoup. Avec une alerte à 80 % du budget, pour corriger
            le tir avant la fin du mois.
            """,
            """
            Des défis entre membres du forum, pourquoi pas, ce serait sympa ! Un classement par
            pourcentage d'économie plutôt qu'en kWh, sinon les petits appartements gagnent toujours.
            """,
            """
            Le bilan mensuel actuel est trop sommaire. Il faudrait au moins la comparaison avec le même
            mois l'année précédente, corrigée de la météo.
            """,
        ],
    ),
]

COIN = [
    subject(
        "hello", "coin-des-membres", "welcome",
        [
            "Bonjour {region_from} !",
            "Présentation : {home} {region_in}",
            "Salut à tous, nouvel arrivant {region_from}",
            "Enfin inscrit après des mois de lecture ({region_in})",
            "Nouveau membre {region_in}, équipé depuis peu",
        ],
        [
            """
            Je me présente : j'habite {home} {region_in}, {surface} m², chauffage avec {heating}. Je lis
            le forum depuis des mois et il m'a déjà beaucoup aidé pour installer mon {thermo}.

            Prochaine étape : le kit solaire. J'aurai sûrement plein de questions !
            """,
            """
            Petit message pour dire bonjour. Bricoleur du dimanche, je viens d'équiper la maison de
            prises {plug} et d'un {thermo}. Je suis {region_in}, si d'autres membres sont dans le coin,
            faites signe !
            """,
        ],
        [
            """
            Bienvenue ! Tu verras, le forum est de bon conseil. Pour le kit solaire, lis le sujet
            épinglé sur les démarches dans `Installation`, il fait gagner beaucoup de temps.
            """,
            """
            Bienvenue parmi nous 👋 Je suis aussi {region_in}, pas très loin de chez toi apparemment !
            """,
            """
            Salut et bienvenue ! Une question : tu as déjà fait l'isolation, ou c'est prévu ? Ça change
            beaucoup de choses pour le dimensionnement.
            """,
            """
            Bienvenue ! N'hésite pas à partager ton retour d'expérience une fois l'hiver passé, les
            vrais chiffres intéressent toujours tout le monde.
            """,
        ],
    ),
    subject(
        "show-setup", "coin-des-membres", "discussion",
        [
            "Montrez-nous vos installations solaires",
            "Mon installation complète après deux ans",
            "Mon petit local technique : batterie, onduleur et compagnie",
            "Deux ans d'équipement : ce qui m'a le plus servi",
        ],
        [
            """
            Je lance le sujet : décrivez votre installation ! Chez moi :

            - kit Sol ({solar}) sur la pergola ;
            - batterie {battery} dans le cellier ;
            - {thermo} et six têtes Vanne ;
            - une dizaine de prises {plug}.

            Tout tient dans un coin du cellier, avec une étiquette sur chaque câble (ma fierté).
            """,
            """
            Deux ans après les premières prises, voici où j'en suis. Le plus utile au quotidien : le
            module Compteur, qui m'a fait découvrir que ma vieille pompe de piscine consommait une
            fortune.
            """,
        ],
        [
            """
            Chez moi c'est plus modeste : deux panneaux sur le balcon et trois prises. Mais je suis
            en appartement, et chaque kWh produit fait plaisir !
            """,
            """
            Bravo pour l'étiquetage. Mon tableau électrique est une jungle, je n'ose pas le montrer.
            C'est le projet de cet été : tout refaire proprement avec un électricien.
            """,
            """
            Même configuration que toi, mais la batterie est dans le garage. Attention en hiver, elle
            charge moins bien au froid, pense à surveiller.
            """,
            """
            Le module Compteur, c'est vraiment l'appareil le plus sous-estimé de la gamme. On découvre
            tellement de choses sur sa maison.
            """,
        ],
    ),
    subject(
        "diy", "coin-des-membres", "discussion",
        [
            "Vos projets bricolage du week-end",
            "Outils indispensables pour bricoler l'électricité en sécurité",
            "J'ai réparé mon vieux radiateur moi-même",
            "Débuter en électricité : quels outils pour travailler en sécurité ?",
        ],
        [
            """
            Ce week-end, j'ai réparé mon vieux radiateur électrique au lieu de le jeter : le thermostat
            mécanique était mort, une pièce à 15 € et une heure de travail. Il chauffe de nouveau et il
            est piloté par une prise {plug}.

            Et vous, vos projets du moment ?
            """,
            """
            Je me lance dans les petits travaux électriques (remplacer des prises, poser un
            interrupteur). Quels sont pour vous les outils indispensables pour travailler en sécurité ?
            """,
        ],
        [
            """
            Pour l'électricité, le minimum :

            - un **VAT** (vérificateur d'absence de tension), pas un simple tournevis testeur ;
            - des tournevis isolés 1000 V ;
            - une pince à dénuder correcte ;
            - et la règle d'or : on coupe au disjoncteur **et** on vérifie.
            """,
            """
            Bravo pour la réparation ! Chez moi, c'est un support en bois pour deux panneaux du kit
            Sol, posé au sol dans le jardin. Tasseaux traités classe 4, inclinaison à 35°.
            """,
            """
            Je m'occupe d'un repair café le samedi matin : on répare pas mal d'appareils électriques,
            n'hésitez pas à venir, c'est convivial et on apprend beaucoup.
            """,
            """
            Projet du week-end : purger tous les radiateurs et remplacer les joints des fenêtres. Pas
            très glamour, mais efficace.
            """,
        ],
    ),
    subject(
        "weather", "coin-des-membres", "discussion",
        [
            "Vague de froid : comment s'en sort votre chauffage ?",
            "Coupure de courant dans le quartier : la batterie a pris le relais !",
            "Grand froid : la chaudière n'arrête pas, et chez vous ?",
            "La batterie {battery} nous a éclairés pendant la panne",
        ],
        [
            """
            Il fait -8 °C ce matin {region_in}. Le {thermo} a anticipé dès 4 h et la maison était à
            {temp} °C au réveil, mais la chaudière a tourné presque sans arrêt. Comment ça se passe chez
            vous ?
            """,
            """
            Hier soir, coupure de courant de deux heures dans tout le quartier. La batterie {battery} a
            pris le relais sur les circuits prioritaires : frigo, box, éclairage du salon. Les voisins
            sont venus voir pourquoi on avait de la lumière 😄
            """,
        ],
        [
            """
            Ici aussi, grand froid. J'ai baissé la consigne d'un degré pendant la vague de froid pour
            soulager le réseau, on a ressorti les plaids.
            """,
            """
            Pour la canicule : volets fermés dès 10 h côté sud, fenêtres grandes ouvertes la nuit, et
            un ventilateur sur prise {plug} programmé. On tient à 26 °C sans climatisation.
            """,
            """
            Pour les orages, je débranche la box et le {thermo} ne craint rien sur piles. Mais le
            mieux reste un parafoudre au tableau électrique, à faire poser par un électricien.
            """,
            """
            Super retour sur la batterie en secours ! Tu avais configuré les circuits prioritaires
            toi-même ou c'est l'installateur ?
            """,
        ],
    ),
    subject(
        "community", "coin-des-membres", "discussion",
        [
            "Un an sur le forum : merci à tous",
            "Petit sondage : vous êtes équipés de quoi ?",
            "Un an parmi vous : merci la communauté !",
            "Sondage : thermostat, prises, batterie, solaire ?",
        ],
        [
            """
            Ça fait un an que je suis inscrit et je voulais remercier tout le monde. Quand je suis
            arrivé, je ne savais même pas ce qu'était un contact sec. Aujourd'hui j'aide les nouveaux
            à brancher leur thermostat !
            """,
            """
            Petit sondage pour mieux se connaître : vous êtes équipés de quoi ? Thermostat, prises,
            batterie, solaire ? Et depuis combien de temps ?
            """,
        ],
        [
            """
            Merci à toi surtout, tes réponses dans `Dépannage` m'ont sauvé plus d'une fois !
            """,
            """
            Pour le sondage : {thermo} depuis deux ans, quatre prises {plug}, et le kit Sol depuis le
            printemps. La batterie, j'hésite encore.
            """,
            """
            Côté lectures, je recommande les guides de l'agence de la transition écologique sur
            l'isolation et le chauffage, clairs et sans pub. Un résumé ici :
            https://example.org/guides/bien-chauffer-son-logement
            """,
            """
            C'est ce qui fait la force du forum : on n'est pas là pour vendre, juste pour s'entraider.
            """,
        ],
    ),
]

SUBJECTS = INSTALLATION + DEPANNAGE + APPLICATION + ECONOMIES + IDEES + COIN

# Which opening each answer goes with (by number), None for answers that suit any opening.
# Subjects not listed: every answer suits every opening.
ANSWER_OPENINGS = {
    "thermo-wiring": (0, None, 1),
    "plug-setup": (0, 1, 0),
    "battery-install": (0, 0, 1),
    "solar-kit": (0, 0, 1),
    "hub-valves": (0, 1, 0),
    "meter-module": (0, 1, 0),
    "first-settings": (0, 1, 1),
    "thermo-offline": (0, None, None),
    "temp-offset": (0, 1, None),
    "plug-blinking": (0, 1, 1),
    "battery-stuck": (0, 1, 0),
    "heating-nonstop": (0, 0, 1),
    "screen-dead": (1, 0, 0),
    "breaker-trips": (1, 0, 0),
    "solar-zero": (0, 1, None),
    "firmware-failed": (0, 1, 0),
    "open-window": (None, None, 1),
    "app-login": (0, 1, 0),
    "app-notifications": (0, 1, 1),
    "app-sharing": (0, 1, None),
    "app-history": (1, 0, None),
    "home-automation": (0, 0, 1),
    "new-router": (0, 0, 1),
    "app-crash": (0, 1, None),
    "setpoint": (0, 0, 0, 1, None),
    "off-peak": (0, 0, 1, None, 0),
    "standby": (0, 1, None, 0),
    "battery-worth": (0, 1, 0, 0),
    "insulation-first": (0, 1, 0, None),
    "heat-pump": (0, 1, None, 0),
    "idea-widget": (0, 0, 1, None),
    "idea-open-data": (0, 0, 1, 1),
    "idea-repair": (None, 0, None, None),
    "idea-compare": (0, 1, 0, 1),
    "hello": (0, None, None, None),
    "show-setup": (None, 0, 0, 1),
    "diy": (None, 0, None, 0),
    "weather": (0, 1, None, 1),
    "community": (0, 1, None, None),
}

for _subject in SUBJECTS:
    _subject["answer_openings"] = ANSWER_OPENINGS.get(_subject["key"], (None,) * len(_subject["answers"]))
    assert len(_subject["answer_openings"]) == len(_subject["answers"]), _subject["key"]
