//! The method's own texts, in our own words: what each step is about, guidance for the
//! facilitator, what each drive and pillar means, and prompts for strengthening a weak pillar.

use super::Lang;
use koersbord_shared::{Drive, Phase, Pillar};

/// What a step is about, shown to everyone.
pub fn phase_about(phase: Phase, lang: Lang) -> &'static str {
    match (lang, phase) {
        (Lang::Nl, Phase::Lobby) => {
            "We beginnen zo. Wie nog niet binnen is, doet mee met een naam en de kant waarvoor hij of zij aan tafel zit."
        }
        (Lang::En, Phase::Lobby) => {
            "We start shortly. Whoever is not in yet joins with a name and the side they are at the table for."
        }
        (Lang::Nl, Phase::Review) => {
            "We kijken terug op de afspraken van vorige keer: wat is gedaan, wat loopt nog, wat is niet gestart of vervallen?"
        }
        (Lang::En, Phase::Review) => {
            "We look back on last time's agreements: what is done, what is still going, what has not started or is no longer needed?"
        }
        (Lang::Nl, Phase::Ambition) => {
            "Waar wil het leernetwerk naartoe? De ambitie staat vast; we kijken samen of ze voor iedereen helder is."
        }
        (Lang::En, Phase::Ambition) => {
            "Where is the learning network heading? The ambition is set; together we check that it is clear to everyone."
        }
        (Lang::Nl, Phase::Drives) => {
            "Wat drijft jou om deze ambitie waar te maken? Geef elke drijfveer een plek: noodzakelijk, belangrijk of neutraal."
        }
        (Lang::En, Phase::Drives) => {
            "What drives you to make this ambition happen? Give each drive a place: necessary, important or neutral."
        }
        (Lang::Nl, Phase::Pillars) => {
            "Hoe sterk staat elke pijler in onze organisatie vandaag? Dichtbij de kern is sterk, aan de rand is zwak."
        }
        (Lang::En, Phase::Pillars) => {
            "How strong is each pillar in our organisation today? Near the core is strong, at the rim is weak."
        }
        (Lang::Nl, Phase::Actions) => {
            "Alles komt samen: de ambitie, de doelen en de inzichten uit de vorige stappen liggen naast elkaar. Hier maken we afspraken."
        }
        (Lang::En, Phase::Actions) => {
            "Everything comes together: the ambition, the goals and the insights from the earlier steps side by side. Here we make agreements."
        }
        (Lang::Nl, Phase::Close) => {
            "We zetten de afspraken op een rij en horen van iedereen hoe de sessie was."
        }
        (Lang::En, Phase::Close) => {
            "We go over the agreements and hear from everyone how the session went."
        }
    }
}

/// Short guidance for the facilitator: what to ask and what to watch for.
pub fn phase_guidance(phase: Phase, lang: Lang) -> &'static [&'static str] {
    match (lang, phase) {
        (Lang::Nl, Phase::Lobby) => &[
            "Laat de code of QR zien en wacht tot iedereen met naam en kant binnen is.",
            "Vier vanuit het leernetwerk en vier vanuit het management is het maximum: zo komt iedereen aan het woord.",
        ],
        (Lang::En, Phase::Lobby) => &[
            "Show the code or QR and wait until everyone is in with a name and a side.",
            "Four from the network and four from management at most: that way everyone gets to speak.",
        ],
        (Lang::Nl, Phase::Review) => &[
            "Loop de acties één voor één langs en vraag wie ze oppakte hoe het ging; eigenaren zetten hun eigen stand op de telefoon.",
            "Neem open acties in één keer mee naar de acties van vandaag; ze blijven aan te passen.",
            "Weinig tijd? Sla de terugblik over en ga meteen naar Ambitie.",
        ],
        (Lang::En, Phase::Review) => &[
            "Go through the actions one by one and ask whoever took each on how it went; owners set their own status on their phone.",
            "Carry open actions into today's actions in one step; they stay editable.",
            "Short of time? Skip the look back and go straight to Ambition.",
        ],
        (Lang::Nl, Phase::Ambition) => &[
            "Vertel de ambitie en de twee doelen in je eigen woorden.",
            "De ambitie ligt niet ter discussie. Vraag wel: is het helder? Wat roept het op?",
            "Check of het management dezelfde woorden op dezelfde manier leest.",
        ],
        (Lang::En, Phase::Ambition) => &[
            "Present the ambition and the two goals in your own words.",
            "The ambition is not up for debate. Do ask: is it clear? What does it bring up?",
            "Check that management reads the same words the same way.",
        ],
        (Lang::Nl, Phase::Drives) => &[
            "Laat iedereen eerst zelf zijn stippen plaatsen; verberg ze eventueel tot iedereen klaar is.",
            "Vraag bij opvallende plekken: waarom koos je hier voor?",
            "Het gaat niet om de meerderheid. Eén keer ‘noodzakelijk’ is een signaal: sta erbij stil.",
            "Zie je verschil tussen de twee kleuren? Maak het bespreekbaar.",
        ],
        (Lang::En, Phase::Drives) => &[
            "Let everyone place their own dots first; hide them until all are done if you like.",
            "Where a dot stands out, ask: why did you choose this?",
            "This is not about the majority. A single ‘necessary’ is a signal: give it time.",
            "Do the two colours differ? Make that something to talk about.",
        ],
        (Lang::Nl, Phase::Pillars) => &[
            "Laat iedereen per pijler aangeven hoe sterk die vandaag is.",
            "Zoom in op de zwakste pijlers: wat is er nodig om ze te versterken?",
            "Waar kijken leernetwerk en management verschillend? Vraag naar voorbeelden.",
        ],
        (Lang::En, Phase::Pillars) => &[
            "Have everyone mark how strong each pillar is today.",
            "Zoom in on the weakest pillars: what would strengthen them?",
            "Where do network and management see it differently? Ask for examples.",
        ],
        (Lang::Nl, Phase::Actions) => &[
            "Leg de inzichten, de ambitie en de doelen naast elkaar.",
            "Vraag eerst: wat hebben wij samen nodig? Daarna: wat ga jij zelf doen?",
            "Maak elke actie concreet: wie doet wat, en wanneer?",
        ],
        (Lang::En, Phase::Actions) => &[
            "Put the insights, the ambition and the goals side by side.",
            "Ask first: what do we need together? Then: what will you do yourself?",
            "Make each action concrete: who does what, and by when?",
        ],
        (Lang::Nl, Phase::Close) => &[
            "Vat de acties en afspraken samen.",
            "Vraag iedereen kort: hoe was deze sessie? Zijn er nog vragen?",
        ],
        (Lang::En, Phase::Close) => &[
            "Sum up the actions and agreements.",
            "Ask everyone briefly: how was this session? Any questions left?",
        ],
    }
}

/// The English gloss of a drive; Dutch readers see the term alone.
pub fn drive_about(drive: Drive, lang: Lang) -> &'static str {
    match (lang, drive) {
        (Lang::Nl, Drive::Meaning) => "werk dat ertoe doet, waarde voor de samenleving",
        (Lang::Nl, Drive::Togetherness) => "verbinding, vertrouwen, het samen doen",
        (Lang::Nl, Drive::Autonomy) => "zelf richting geven, invloed, ruimte om te kiezen",
        (Lang::Nl, Drive::CareQuality) => "de zorg zelf beter maken",
        (Lang::Nl, Drive::ResultOrientation) => "doelen halen, beter presteren",
        (Lang::Nl, Drive::Impact) => "zien dat inzet iets verandert",
        (Lang::Nl, Drive::TeamDevelopment) => "teams die goed werken en groeien",
        (Lang::Nl, Drive::Sustainability) => "zorg die toekomst heeft, werk dat vol te houden is",
        (Lang::En, Drive::Meaning) => "meaningful work, value for society",
        (Lang::En, Drive::Togetherness) => "connection, trust, doing it together",
        (Lang::En, Drive::Autonomy) => "own direction, influence, room to choose",
        (Lang::En, Drive::CareQuality) => "making care itself better",
        (Lang::En, Drive::ResultOrientation) => "reaching goals, performing better",
        (Lang::En, Drive::Impact) => "seeing effort make a visible difference",
        (Lang::En, Drive::TeamDevelopment) => "teams that work well and grow",
        (Lang::En, Drive::Sustainability) => "care with a future, work people can keep up",
    }
}

pub fn pillar_about(pillar: Pillar, lang: Lang) -> &'static str {
    match (lang, pillar) {
        (Lang::Nl, Pillar::Communication) => "verwachtingen, doelen en voortgang helder en open",
        (Lang::Nl, Pillar::Collaboration) => "samen optrekken, als gelijken",
        (Lang::Nl, Pillar::Capacity) => "genoeg mensen, inzetbaar en beschikbaar",
        (Lang::Nl, Pillar::Resources) => "geld, materiaal en voorzieningen",
        (Lang::Nl, Pillar::Time) => "tijd om te leren, na te denken en te proberen",
        (Lang::Nl, Pillar::Autonomy) => "ruimte om te beslissen, eigenaarschap",
        (Lang::Nl, Pillar::KnowledgeSharing) => {
            "van elkaar leren, kennis verspreiden en vasthouden"
        }
        (Lang::Nl, Pillar::Structure) => "werkwijze, ritme, opvolging en borging",
        (Lang::En, Pillar::Communication) => "clear, open expectations, goals and progress",
        (Lang::En, Pillar::Collaboration) => "working together as equals",
        (Lang::En, Pillar::Capacity) => "enough people, deployable and available",
        (Lang::En, Pillar::Resources) => "money, materials and facilities",
        (Lang::En, Pillar::Time) => "time to learn, reflect and experiment",
        (Lang::En, Pillar::Autonomy) => "room to decide, ownership",
        (Lang::En, Pillar::KnowledgeSharing) => {
            "learning from each other, spreading and keeping knowledge"
        }
        (Lang::En, Pillar::Structure) => "ways of working, rhythm, follow-up, anchoring",
    }
}

/// Short prompts for strengthening a weak pillar, in our own words, after the ideas of the
/// "ontwikkelkaarten" for learning organisations.
pub fn pillar_prompts(pillar: Pillar, lang: Lang) -> [&'static str; 2] {
    match (lang, pillar) {
        (Lang::Nl, Pillar::Communication) => [
            "Wat weet het management nu echt van wat het leernetwerk doet, en omgekeerd?",
            "Welk vast moment maakt voortgang zichtbaar voor iedereen?",
        ],
        (Lang::Nl, Pillar::Collaboration) => [
            "Waar werken we nog naast elkaar in plaats van met elkaar?",
            "Wat zou gelijkwaardigheid in ons overleg zichtbaar maken?",
        ],
        (Lang::Nl, Pillar::Capacity) => [
            "Wie kan er ingezet worden, en wat moet daarvoor worden vrijgemaakt?",
            "Hoe vangen we afwezigheid op zonder dat het leren stopt?",
        ],
        (Lang::Nl, Pillar::Resources) => [
            "Welk klein budget of welke ruimte maakt nu het meeste verschil?",
            "Welke middelen zijn er al, maar worden niet gebruikt?",
        ],
        (Lang::Nl, Pillar::Time) => [
            "Hoe wordt leertijd gewone werktijd in het rooster?",
            "Wat laten we weg om ruimte te maken om te leren?",
        ],
        (Lang::Nl, Pillar::Autonomy) => [
            "Over welke keuzes mag het leernetwerk zelf beslissen?",
            "Waar is een helder mandaat nodig, en van wie?",
        ],
        (Lang::Nl, Pillar::KnowledgeSharing) => [
            "Hoe komt wat hier geleerd wordt terecht bij collega's op de werkvloer?",
            "Wat helpt om kennis vast te houden als mensen wisselen?",
        ],
        (Lang::Nl, Pillar::Structure) => [
            "Welk ritme van overleg en opvolging past bij ons?",
            "Wie bewaakt dat afspraken worden nagekomen?",
        ],
        (Lang::En, Pillar::Communication) => [
            "What does management really know of the network's work, and the other way round?",
            "Which regular moment makes progress visible to everyone?",
        ],
        (Lang::En, Pillar::Collaboration) => [
            "Where do we still work side by side instead of together?",
            "What would make equality visible in our meetings?",
        ],
        (Lang::En, Pillar::Capacity) => [
            "Who can be deployed, and what must be freed up for that?",
            "How do we cover absence without the learning stopping?",
        ],
        (Lang::En, Pillar::Resources) => [
            "Which small budget or space would make the most difference now?",
            "Which resources exist but go unused?",
        ],
        (Lang::En, Pillar::Time) => [
            "How does learning time become ordinary working time in the rota?",
            "What do we drop to make room for learning?",
        ],
        (Lang::En, Pillar::Autonomy) => [
            "Which choices may the network make on its own?",
            "Where is a clear mandate needed, and from whom?",
        ],
        (Lang::En, Pillar::KnowledgeSharing) => [
            "How does what is learned here reach colleagues on the floor?",
            "What helps keep knowledge when people move on?",
        ],
        (Lang::En, Pillar::Structure) => [
            "Which rhythm of meeting and follow-up suits us?",
            "Who makes sure agreements are kept?",
        ],
    }
}
