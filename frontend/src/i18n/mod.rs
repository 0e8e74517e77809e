//! Every text the board shows, in one table: Dutch first, English beside it. Terms of the method
//! (the drives, pillars, zones and step names) keep their Dutch names in both languages; the English
//! side explains them.

use koersbord_shared::protocol::ProtocolError;
use koersbord_shared::room::{Rejection, TextField};
use koersbord_shared::{Phase, Side, Zone};
use leptos::prelude::*;

mod dates;
mod method;
mod needs;
mod numbers;

pub use dates::long_date;
pub use method::{drive_about, phase_about, phase_guidance, pillar_about, pillar_prompts};
pub use needs::{need_label, need_lang};
pub use numbers::{decimal, signed};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lang {
    Nl,
    En,
}

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::Nl => "nl",
            Lang::En => "en",
        }
    }

    pub fn from_code(code: &str) -> Option<Lang> {
        match code {
            "nl" => Some(Lang::Nl),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    pub fn other(self) -> Lang {
        match self {
            Lang::Nl => Lang::En,
            Lang::En => Lang::Nl,
        }
    }
}

macro_rules! texts {
    ($($key:ident => $nl:literal, $en:literal;)+) => {
        /// A key into the translation table.
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub enum T { $($key),+ }

        impl T {
            pub fn get(self, lang: Lang) -> &'static str {
                match (self, lang) {
                    $((T::$key, Lang::Nl) => $nl, (T::$key, Lang::En) => $en,)+
                }
            }

            #[cfg(test)]
            pub const ALL: &'static [T] = &[$(T::$key),+];
        }
    };
}

texts! {
    AppName => "Koersbord", "Koersbord";
    OtherLanguage => "English", "Nederlands";
    Tagline => "Samen koers bepalen: leernetwerk en management aan één bord.",
        "Setting course together: learning network and management at one board.";

    // Connection
    Connecting => "Verbinden…", "Connecting…";
    Reconnecting => "Geen verbinding. We proberen het opnieuw…", "No connection. Trying again…";
    StorageDown => "De opslag is even niet bereikbaar. We proberen het opnieuw…", "Storage can't be reached for a moment. Trying again…";
    MovingServer => "De sessie gaat over naar een andere server. Even geduld…", "The session is moving to another server. One moment…";
    DotsWaiting => "Gestreepte stippen zijn nog niet opgeslagen en gaan mee zodra het weer lukt.",
        "Striped dots are not saved yet; they go out once the line is back.";
    RetryNow => "Opnieuw", "Retry";
    Disconnected => "Geen verbinding: dit is niet verstuurd. Probeer het opnieuw als de verbinding terug is.",
        "No connection: this was not sent. Try again once the connection is back.";
    PutBack => "Je stip is teruggezet.", "Your dot went back.";
    Unconfirmed => "nog niet bevestigd", "not confirmed yet";
    Dismiss => "Sluiten", "Close";
    Crashed => "Er ging iets mis in deze pagina. Herlaad haar: je komt terug als dezelfde deelnemer en er gaat niets verloren.",
        "Something went wrong in this page. Reload it: you come back as the same participant and nothing is lost.";
    Reload => "Herladen", "Reload";

    // Start page
    StartHeading => "Een sessie voorbereiden", "Prepare a session";
    StartIntro => "Als begeleider zet je hier de ambitie van het leernetwerk en de twee inhoudelijke doelen klaar. Je kunt ze later nog aanpassen.",
        "As the facilitator you set out the learning network's ambition and its two content goals here. You can still change them later.";
    FieldTitle => "Titel van de sessie", "Session title";
    FieldTitleHint => "Bijvoorbeeld: Leernetwerk Wondzorg × directie", "For example: Wound care network × board";
    FieldAmbition => "Ambitie van het leernetwerk", "The learning network's ambition";
    FieldGoal1 => "Inhoudelijk doel 1", "Content goal 1";
    FieldGoal2 => "Inhoudelijk doel 2", "Content goal 2";
    CreateSession => "Sessie aanmaken", "Create session";
    Creating => "Bezig…", "Working…";
    CreatedHeading => "Je sessie staat klaar", "Your session is ready";
    CreatedIntro => "Bewaar je eigen link goed: wie hem heeft, leidt de sessie.",
        "Keep your own link safe: whoever has it leads the session.";
    LinkFacilitator => "Jouw link als begeleider (geheim)", "Your facilitator link (secret)";
    LinkJoin => "Link voor deelnemers", "Link for participants";
    LinkScreen => "Link voor het gedeelde scherm", "Link for the shared screen";
    JoinCode => "Code", "Code";
    OpenAsFacilitator => "Open de sessie", "Open the session";
    Copy => "Kopieer", "Copy";
    Copied => "Gekopieerd", "Copied";
    HaveCode => "Heb je een code gekregen?", "Were you given a code?";
    CodePlaceholder => "bijv. K7M2QX", "e.g. K7M2QX";
    JoinWithCode => "Ga naar de sessie", "Go to the session";
    UnknownCode => "Die code kennen we niet (meer). Kijk hem nog eens na, of vraag de begeleider om de link.",
        "We don't know that code (any more). Please check it, or ask the facilitator for the link.";
    TooManyTries => "Te veel pogingen achter elkaar. Wacht een minuut en probeer het opnieuw.",
        "Too many attempts in a row. Wait a minute and try again.";
    TooManySessions => "Er zijn vanaf dit adres net veel sessies aangemaakt. Probeer het over een paar minuten opnieuw.",
        "Many sessions were just created from this address. Try again in a few minutes.";
    TooMuchText => "Er staat te veel tekst in het formulier.", "There is too much text in the form.";
    SomethingWentWrong => "Er ging iets mis. Probeer het nog eens.", "Something went wrong. Please try again.";
    LinkBroken => "Deze link is niet compleet. Vraag de begeleider om een nieuwe.",
        "This link is incomplete. Ask the facilitator for a new one.";

    // Joining
    JoinHeading => "Doe mee aan deze sessie", "Join this session";
    YourName => "Je naam", "Your name";
    YouSpeakFor => "Je zit aan tafel namens", "You are at the table for";
    Join => "Meedoen", "Join";
    SideFullShort => "vol", "full";

    // Sides
    SideNetwork => "Leernetwerk", "Learning network";
    SideManagement => "Management", "Management";

    // Roles and presence
    Facilitator => "Begeleider", "Facilitator";
    SharedScreen => "Gedeeld scherm", "Shared screen";
    Participants => "Deelnemers", "Participants";
    Online => "verbonden", "connected";
    Offline => "niet verbonden", "not connected";
    You => "jij", "you";
    NobodyYet => "Nog niemand", "Nobody yet";
    Remove => "Verwijder", "Remove";
    InviteHeading => "Doe mee", "Join in";
    InviteHowTo => "Scan de code of ga naar deze site en typ de code:", "Scan the code, or go to this site and type the code:";

    // Steps
    PrevStep => "Vorige stap", "Previous step";
    NextStep => "Volgende stap", "Next step";
    Guidance => "Zo begeleid je deze stap", "Leading this step";
    Ambition => "Ambitie", "Ambition";
    Goal => "Doel", "Goal";
    NoAmbitionYet => "Nog geen ambitie ingevuld.", "No ambition written yet.";
    EditSetup => "Ambitie en doelen aanpassen", "Edit ambition and goals";
    Save => "Opslaan", "Save";
    Cancel => "Annuleer", "Cancel";

    // Timer
    Start => "Start", "Start";
    Pause => "Pauze", "Pause";
    Resume => "Hervat", "Resume";
    Reset => "Opnieuw", "Reset";
    TimeUp => "Tijd is om", "Time is up";
    SoundOn => "Geluid aan", "Sound on";
    SoundOff => "Geluid uit", "Sound off";
    Timer => "Tijd", "Time";

    // Boards
    Tray => "Nog te plaatsen", "To place";
    NotPlaced => "nog niet geplaatst", "not placed yet";
    SliderScale => "Of met de schuif: links zwak, rechts sterk ontwikkeld.", "Or with the slider: weak on the left, strong on the right.";
    StrongWord => "sterk ontwikkeld", "strongly developed";
    MiddleWord => "deels ontwikkeld", "partly developed";
    WeakWord => "zwak ontwikkeld", "weakly developed";
    OutOf100 => "van 100", "out of 100";
    Lock => "Zet vast", "Lock";
    Unlock => "Maak los", "Unlock";
    Locked => "Het bord staat vast", "The board is locked";
    Hide => "Verberg stippen", "Hide dots";
    Reveal => "Laat alle stippen zien", "Reveal all dots";
    Hidden => "Stippen van anderen zijn verborgen tot de begeleider ze laat zien.",
        "Other people's dots stay hidden until the facilitator reveals them.";
    Core => "sterk", "strong";
    Rim => "zwak", "weak";
    RadialLegend => "Midden: sterk ontwikkeld · buitenrand: zwak ontwikkeld", "Centre: strongly developed · rim: weakly developed";
    DragHint => "Tik op een vak om je stip daar te zetten, of sleep hem erheen.",
        "Tap a zone to put your dot there, or drag it there.";
    KeysHint => "Met het toetsenbord: kies je stip, Enter en de pijltjes, of M voor een keuzelijst.",
        "With the keyboard: pick your dot, Enter and the arrow keys, or M for a list of places.";
    DotTapHint => "Tik erop om te kiezen waar hij komt.", "Tap it to choose where it goes.";
    PutIn => "Zet in:", "Put in:";
    CellEmpty => "leeg", "empty";
    DriveColumn => "Drijfveer", "Drive";
    PillarColumn => "Pijler", "Pillar";
    ListView => "Lijstweergave", "List view";
    QrJoin => "QR-code met de link om mee te doen", "QR code with the link to take part";
    ListOnScreen => "Lijst op het scherm", "List on the screen";
    ListNotPlaced => "nog niet", "not yet";
    PillarHint => "Sleep je stip langs de pijler: dichtbij de kern is sterk ontwikkeld, naar buiten zwak.",
        "Drag your dot along the pillar: near the core is strongly developed, further out is weak.";
    ShowResults => "Toon uitkomsten", "Show results";
    HideResults => "Verberg uitkomsten", "Hide results";
    Results => "Uitkomsten", "Results";
    SignalFrom => "Noodzakelijk volgens", "Necessary according to";
    MedianRange => "mediaan (laagste–hoogste)", "median (lowest–highest)";
    Gap => "Verschil", "Gap";
    WeakPillar => "zwak", "weak";
    WeakestNote => "De zwakste pijlers zijn gemarkeerd: begin daar het gesprek.",
        "The weakest pillars are marked: start the conversation there.";
    WatchOnly => "Je kijkt mee; alleen deelnemers plaatsen stippen.", "You are watching; only participants place dots.";

    // Insights, actions, close, harvest
    Insights => "Inzichten", "Insights";
    InsightPlaceholder => "Wat valt op? Schrijf het inzicht kort op.", "What stands out? Write the insight briefly.";
    AddInsight => "Inzicht toevoegen", "Add insight";
    About => "Over", "About";
    Nothing => "—", "—";
    Edit => "Bewerk", "Edit";
    NoInsightsYet => "Nog geen inzichten.", "No insights yet.";
    Signals => "Signalen: noodzakelijk", "Signals: necessary";
    WeakPillars => "Zwakke pijlers", "Weak pillars";
    CentralQuestion => "Wat hebben wij, leernetwerk én management, nodig om de ambitie waar te maken?",
        "What do we, network and management alike, need to realise the ambition?";
    YourQuestion => "En wat ga jij daar zelf aan bijdragen?", "And what will you contribute yourself?";
    Actions => "Acties en afspraken", "Actions and agreements";
    ActionWhat => "Wat gaan we doen?", "What will be done?";
    ActionWho => "Wie", "Who";
    ActionOther => "Iemand anders (naam)", "Someone else (name)";
    ActionDue => "Uiterlijk", "By";
    ActionAnswers => "Antwoord op", "Answers";
    AddAction => "Actie toevoegen", "Add action";
    MyContribution => "Mijn bijdrage toevoegen", "Add my contribution";
    NoActionsYet => "Nog geen acties.", "No actions yet.";
    NoDate => "geen datum", "no date";
    Reflections => "Terugblik", "Looking back";
    ReflectionPrompt => "Hoe was deze sessie voor jou? Heb je nog een vraag of opmerking?",
        "How was this session for you? Any question or remark left?";
    SaveReflection => "Bewaar", "Save";
    Saved => "Bewaard", "Saved";
    Harvest => "Oogst", "Harvest";
    OpenHarvest => "Bekijk de oogst", "View the harvest";
    BackToBoard => "Terug naar het bord", "Back to the board";
    HarvestIntro => "Alles wat deze sessie opleverde, om mee naar huis te nemen.", "Everything this session produced, to take home.";
    Print => "Afdrukken of PDF", "Print or PDF";
    DownloadMarkdown => "Markdown", "Markdown";
    DownloadActionsCsv => "Acties (CSV)", "Actions (CSV)";
    DownloadDotsCsv => "Stippen (CSV)", "Dots (CSV)";
    DownloadJson => "Alles (JSON)", "Everything (JSON)";
    Boards => "De borden", "The boards";
    Goals => "Doelen", "Goals";

    // Taking someone out, with time to undo
    RemoveAsk => "verwijderen, met alle stippen?", "remove, with all their dots?";
    RemoveYes => "Ja, verwijder", "Yes, remove";
    RemovingIn => "verdwijnt over", "goes in";
    Undo => "Ongedaan maken", "Undo";
    RemovedYou => "De begeleider heeft je uit deze sessie gehaald; je stippen tellen niet meer mee. Hieronder kun je opnieuw meedoen.",
        "The facilitator took you out of this session; your dots no longer count. You can join again below.";

    // The facilitator's rail
    QuickInsight => "Snel een inzicht noteren", "Jot down an insight";
    AddShort => "Noteer", "Add";
    ScreenPreview => "Wat het gedeelde scherm nu toont", "What the shared screen shows now";
    OpenScreen => "Open het gedeelde scherm", "Open the shared screen";

    // The spotlight
    Spotlight => "Spotlight op het scherm", "Spotlight on the screen";
    SpotlightPick => "Kies wat het scherm groot toont", "Choose what the screen shows large";
    SpotlightNothing => "Niets in de spotlight", "Nothing in the spotlight";
    SpotlightOff => "Spotlight uit", "End the spotlight";
    SpotlightDrives => "Drijfveren", "Drives";
    SpotlightPillars => "Pijlers", "Pillars";
    SpotlightInsights => "Inzichten", "Insights";
    NotPlacedYet => "Nog niet geplaatst", "Not placed yet";
    Median => "mediaan", "median";
    NobodyHere => "niemand", "nobody";
    AmongWeakest => "Een van de zwakste pijlers van deze sessie", "One of this session's weakest pillars";

    // Said by the live region (screen readers)
    SayStep => "Stap", "Step";
    SayLocked => "is vastgezet", "is locked";
    SayUnlocked => "is weer vrij", "is open again";
    SayHidden => "toont alleen je eigen stippen", "shows only your own dots";
    SayRevealed => "toont alle stippen", "shows every dot";
    SayResultsOn => "toont de uitkomsten", "shows the results";
    SayResultsOff => "toont de uitkomsten niet meer", "no longer shows the results";
    SayJoined => "doet mee", "has joined";
    SayLeft => "is niet meer in de sessie", "is no longer in the session";
    SayOthersPlaced => "nieuwe stippen van anderen", "new dots by others";
    SaySaved => "opgeslagen", "saved";
    SayTray => "terug bij nog te plaatsen", "back among the dots to place";
    SayEveryDot => "Meld elke stip van anderen", "Announce every dot by others";
    SkipToStage => "Naar de stap", "Skip to the step";

    // The facilitator's sessions: Mijn sessies, delete, copy, how long kept
    MySessions => "Mijn sessies", "My sessions";
    MySessionsIntro => "Sessies die je in deze browser hebt gemaakt of geleid. Deze lijst staat alleen hier, niet op de server. Je begeleiderslink is de sleutel: open hem op een ander apparaat en je leidt daar dezelfde sessie.",
        "Sessions you created or led in this browser. This list lives only here, not on the server. Your facilitator link is the key: open it on another device and you lead the same session there.";
    UntitledSession => "Sessie zonder titel", "Untitled session";
    LastOpened => "Laatst geopend", "Last opened";
    StepReached => "Stap", "Step";
    ParticipantsCount => "deelnemers", "participants";
    Lead => "Leiden", "Lead";
    ForgetSession => "Uit deze lijst halen", "Remove from this list";
    DeleteSession => "Sessie verwijderen…", "Delete session…";
    DeleteAsk => "Definitief verwijderen:", "Delete for good:";
    DeleteExplain => "Alles gaat weg: namen, stippen, inzichten, acties en reflecties, en alle links en de code. Wie nu verbonden is, ziet dat de sessie weg is. Dit kan niet ongedaan worden.",
        "Everything goes: names, dots, insights, actions and reflections, and every link and the code. Whoever is connected now sees that the session is gone. This cannot be undone.";
    DeleteConfirm => "Ja, verwijder alles", "Yes, delete everything";
    CopySession => "Nieuwe sessie met dezelfde ambitie", "New session with the same ambition";
    KeptUntil => "Deze sessie wordt bewaard tot", "This session is kept until";
    KeptWhy => "Daarna verwijdert de server haar vanzelf, met alles erin. Elke wijziging schuift die datum op.",
        "After that the server deletes it by itself, with everything in it. Every change moves that date on.";
    PrivacyForever => "Deze server bewaart sessies tot ze verwijderd worden.", "This server keeps sessions until they are deleted.";
    KeptForever => "Deze server bewaart sessies tot de begeleider ze verwijdert.", "This server keeps sessions until the facilitator deletes them.";

    // The invitation to print and the facilitator's own links
    Invitation => "Uitnodiging", "Invitation";
    InvitationHow => "Je bent uitgenodigd voor een gesprek tussen het leernetwerk en het management, op één gedeeld bord. Neem een telefoon, tablet of laptop mee. Scan de QR-code of open de link, of tik op de startpagina de code in. Vul je naam in en kies je kant; meer is er niet nodig, geen account.",
        "You are invited to a conversation between the learning network and management, on one shared board. Bring a phone, tablet or laptop. Scan the QR code or open the link, or type the code on the start page. Enter your name and choose your side; nothing more is needed, no account.";
    PlannedDate => "Datum", "Date";
    PlannedTime => "Tijd", "Time";
    SecretLinksButton => "Mijn links", "My links";
    SecretLinks => "Geheim: alleen voor de begeleider. Wie deze links heeft, leidt de sessie of ziet het gedeelde scherm.",
        "Secret: for the facilitator only. Whoever holds these links leads the session or sees the shared screen.";

    AnonymiseMe => "Mijn naam en terugblik weghalen", "Remove my name and reflection";
    AnonymiseExplain => "Je naam wordt overal vervangen door een streepje en je terugblik verdwijnt. Je stippen blijven meetellen, zonder naam. Dit kan niet ongedaan worden.",
        "Your name is replaced by a dash everywhere and your reflection goes. Your dots still count, without a name. This cannot be undone.";
    AnonymiseConfirm => "Ja, haal weg", "Yes, remove";

    // The privacy page: for the organisation to adapt (its name and contact are settings)
    Privacy => "Privacy", "Privacy";
    PrivacyIntro => "Koersbord bewaart alleen wat nodig is om het gesprek te voeren en de oogst vast te leggen. Het draait op de eigen server van",
        "Koersbord keeps only what it needs to hold the conversation and record the harvest. It runs on the own server of";
    PrivacyTheOrg => "de organisatie die deze sessies houdt", "the organisation that holds these sessions";
    PrivacyStoredH => "Wat wordt bewaard", "What is stored";
    PrivacyStored => "Per sessie: de titel, de ambitie en de doelen; de namen zoals deelnemers ze intikten en hun kant; waar ieder zijn stippen zette; de inzichten, acties en terugblikken; en wanneer er iets veranderde. Geen accounts, geen wachtwoorden, geen e-mailadressen, geen IP-adressen en geen tracking of cookies.",
        "Per session: the title, ambition and goals; names as participants typed them and their side; where each put their dots; the insights, actions and reflections; and when something changed. No accounts, no passwords, no e-mail addresses, no IP addresses and no tracking or cookies.";
    PrivacyLocalH => "In je eigen browser", "In your own browser";
    PrivacyLocal => "De browser onthoudt (localStorage, niet op de server): je taalkeuze, of het geluid uit staat, je persoonlijke sleutel om na herladen dezelfde deelnemer te blijven, en voor begeleiders de lijst Mijn sessies met hun links.",
        "The browser remembers (localStorage, not on the server): your language, whether sound is off, your personal key to stay the same participant after a reload, and for facilitators the list My sessions with its links.";
    PrivacyWhoH => "Wie het kan zien", "Who can see it";
    PrivacyWho => "Alleen wie een link van de sessie heeft. De begeleider ziet alles; deelnemers zien namen, stippen zodra ze getoond worden, inzichten en acties; het gedeelde scherm wat in de zaal te zien is. Wie de begeleiderslink heeft, is de begeleider: geef hem niet door.",
        "Only whoever holds a link to the session. The facilitator sees everything; participants see names, dots once shown, insights and actions; the shared screen what the room sees. Whoever holds the facilitator link is the facilitator: do not pass it on.";
    PrivacyHowLongH => "Hoe lang", "How long";
    PrivacyDays => "Een sessie wordt automatisch verwijderd dit aantal dagen na de laatste wijziging:", "A session is deleted automatically this many days after its last change:";
    PrivacyRemoveH => "Laten verwijderen", "Having it removed";
    PrivacyRemove => "De begeleider kan een sessie op elk moment helemaal verwijderen, met alle namen en teksten. Wil je dat als deelnemer, vraag het de begeleider of neem contact op:",
        "The facilitator can delete a session completely at any time, with every name and text. If you want that as a participant, ask the facilitator or contact:";

    // Follow-up sessions: Terugblik, what moved, the route (issue 17)
    FollowUpMake => "Vervolgsessie maken", "Make a follow-up session";
    FollowUpExplain => "Een nieuwe sessie met dezelfde titel, ambitie en doelen (aan te passen), met nieuwe links en code. De acties van deze sessie gaan mee voor de terugblik.",
        "A new session with the same title, ambition and goals (editable), with new links and code. This session's actions come along to look back on.";
    FollowUpNotFinished => "Een vervolgsessie kan pas na de afsluiting.", "A follow-up can be made once the session has closed.";
    FollowUpOf => "Vervolg op", "Follow-up of";
    EarlierGone => "De eerdere sessie is inmiddels verwijderd; deze sessie bewaart haar eigen kopie.",
        "The earlier session has since been deleted; this session keeps its own copy.";
    ReviewHeading => "Afspraken van vorige keer", "Last time's agreements";
    ReviewEmpty => "De vorige sessie had geen acties.", "The previous session had no actions.";
    ReviewNotYet => "Nog niet besproken", "Not reviewed yet";
    StatusDone => "Gedaan", "Done";
    StatusInProgress => "Bezig", "In progress";
    StatusNotStarted => "Niet gestart", "Not started";
    StatusDropped => "Vervallen", "Dropped";
    ReviewNote => "Korte notitie (mag leeg)", "Short note (optional)";
    ReviewStatus => "Stand", "Status";
    CarryOpen => "Open acties meenemen", "Carry open actions";
    CarryNone => "Geen open acties meer om mee te nemen.", "No open actions left to carry.";
    CarriedMark => "meegenomen", "carried";
    ShowComparison => "Vergelijk met vorige keer", "Compare with last time";
    HideComparison => "Vergelijking verbergen", "Hide the comparison";
    ComparisonHeading => "Wat bewoog sinds vorige keer", "What moved since last time";
    ComparisonWaits => "De vergelijking verschijnt zodra niemand meer plaatst: zet het bord vast of ga verder.",
        "The comparison appears once nobody is placing: lock the board or move on.";
    Then => "toen", "then";
    Now => "nu", "now";
    SignalAppeared => "signaal erbij", "signal appeared";
    SignalGone => "signaal weg", "signal gone";
    SignalKept => "signaal gebleven", "signal stayed";
    Stronger => "sterker", "stronger";
    Weaker => "zwakker", "weaker";
    Same => "gelijk", "same";
    PeopleThenNow => "deelnemers toen / nu", "participants then / now";
    RouteHeading => "De route tot nu toe", "The route so far";
    RouteIntro => "Elke sessie in deze reeks, met haar afspraken en hoe die liepen, en de pijlers door de tijd.",
        "Every session in this series, with its agreements and how they went, and the pillars over time.";
    RouteLater => "Later in deze reeks", "Later in this series";
    RouteGone => "verwijderd", "deleted";
    RouteMedians => "Mediaan per pijler door de tijd (0 = zwak, 100 = sterk)", "Median per pillar over time (0 = weak, 100 = strong)";
    ThisSession => "deze sessie", "this session";
    DownloadReviewCsv => "Terugblik (CSV)", "Look back (CSV)";
    CarriedColumn => "Meegenomen", "Carried";

    // Rejections and errors
    ErrNotAllowed => "Dat mag alleen de begeleider.", "Only the facilitator can do that.";
    ErrAlreadyJoined => "Je doet al mee.", "You have already joined.";
    ErrNotJoined => "Doe eerst mee met je naam.", "Join with your name first.";
    ErrSideFull => "Deze kant heeft al vier deelnemers.", "This side already has four participants.";
    ErrInvalidCommand => "Dit verzoek werd niet begrepen. Herlaad de pagina.", "This request was not understood. Reload the page.";
    ErrUnknownParticipant => "Deze deelnemer is er niet meer.", "This participant is no longer here.";
    ErrTextEmpty => "Vul dit veld in.", "Please fill in this field.";
    ErrTextInvalid => "Deze tekst bevat tekens die niet mogen.", "This text contains characters that are not allowed.";
    ErrWrongPhase => "Dit bord is nu niet aan de beurt.", "This board is not in use right now.";
    ErrBoardLocked => "De begeleider heeft het bord vastgezet.", "The facilitator has locked the board.";
    ErrNotNow => "Dat kan in deze stap niet.", "That is not possible in this step.";
    ErrUnknownItem => "Dit onderdeel bestaat niet (meer).", "This item does not exist (any more).";
    ErrTooMany => "Er zijn er al zoveel als er passen.", "There are already as many as fit.";
    ErrNoOwner => "Kies wie deze actie oppakt.", "Choose who takes this action on.";
    ErrInvalidDate => "Kies een bestaande datum.", "Choose a real date.";
    ErrInvalidTime => "Kies een tijd als 09:30.", "Choose a time like 09:30.";
    ErrVersion => "Er is een nieuwe versie. Laad de pagina opnieuw.", "There is a new version. Please reload the page.";
    ErrUnknownRoom => "Deze sessie bestaat niet (meer).", "This session does not exist (any more).";
    ErrSessionDeleted => "Deze sessie bestaat niet meer: ze is verwijderd.", "This session no longer exists: it was deleted.";
    ErrBadKey => "Deze link hoort niet bij deze sessie.", "This link does not belong to this session.";
    ErrSlowDown => "Even rustig aan: te veel berichten tegelijk.", "Slow down: too many messages at once.";
    ErrShuttingDown => "De server start opnieuw op. Even geduld…", "The server is restarting. One moment…";
    ErrTooManyConnections => "Er zijn te veel verbindingen met deze sessie. Sluit een ander tabblad of apparaat.",
        "There are too many connections to this session. Close another tab or device.";
    ErrProtocol => "De verbinding liep vast. We maken een nieuwe.", "The connection got stuck. Making a new one.";
}

impl T {
    /// The stated threshold of the comparison's arrows.
    pub fn threshold(lang: Lang) -> String {
        let t = koersbord_shared::compare::MOVE_THRESHOLD;
        match lang {
            Lang::Nl => format!(
                "Een pijl bij een verschil van minstens {t} punten (op 0–100) in de mediaan van een kant."
            ),
            Lang::En => format!(
                "An arrow at a difference of at least {t} points (of 0–100) in a side's median."
            ),
        }
    }

    /// Characters allowed in a text field, for the message next to it.
    pub fn too_long(lang: Lang, max: usize, len: usize) -> String {
        match lang {
            Lang::Nl => format!("Deze tekst is {len} tekens; er passen er {max}."),
            Lang::En => format!("This text is {len} characters; {max} fit."),
        }
    }
}

/// The language the user chose, shared by every component.
#[derive(Clone, Copy)]
pub struct I18n(pub RwSignal<Lang>);

impl I18n {
    pub fn lang(self) -> Lang {
        self.0.get()
    }

    /// A reactive text: re-renders when the language changes.
    pub fn t(self, key: T) -> impl Fn() -> &'static str + Copy + Send + Sync + 'static {
        let lang = self.0;
        move || key.get(lang.get())
    }

    /// The text in the current language; tracked, so a closure that calls it follows a switch.
    pub fn tr(self, key: T) -> &'static str {
        key.get(self.0.get())
    }
}

pub fn use_i18n() -> I18n {
    expect_context::<I18n>()
}

pub fn side_name(side: Side, lang: Lang) -> &'static str {
    match side {
        Side::Network => T::SideNetwork.get(lang),
        Side::Management => T::SideManagement.get(lang),
    }
}

/// Step names: the method's Dutch terms, with an English rendering for English readers.
pub fn phase_name(phase: Phase, lang: Lang) -> &'static str {
    match (lang, phase) {
        (Lang::Nl, Phase::Lobby) => "Welkom",
        (Lang::En, Phase::Lobby) => "Welcome",
        (Lang::En, Phase::Review) => "Looking back",
        (Lang::Nl, p) => p.dutch(),
        (Lang::En, Phase::Ambition) => "Ambition",
        (Lang::En, Phase::Drives) => "Drives",
        (Lang::En, Phase::Pillars) => "Innovating & learning together",
        (Lang::En, Phase::Actions) => "From insight to action",
        (Lang::En, Phase::Close) => "Closing",
    }
}

pub fn zone_name(zone: Zone, lang: Lang) -> &'static str {
    match (lang, zone) {
        (Lang::Nl, z) => z.dutch(),
        (Lang::En, Zone::Necessary) => "Necessary",
        (Lang::En, Zone::Important) => "Important",
        (Lang::En, Zone::Neutral) => "Neutral",
    }
}

pub fn rejection_text(reason: &Rejection, lang: Lang) -> String {
    let key = match reason {
        Rejection::NotAllowed => T::ErrNotAllowed,
        Rejection::AlreadyJoined => T::ErrAlreadyJoined,
        Rejection::NotJoined => T::ErrNotJoined,
        Rejection::SideFull { .. } => T::ErrSideFull,
        Rejection::InvalidCommand { .. } => T::ErrInvalidCommand,
        Rejection::UnknownParticipant => T::ErrUnknownParticipant,
        Rejection::TextEmpty { .. } => T::ErrTextEmpty,
        Rejection::TextTooLong { max, len, .. } => return T::too_long(lang, *max, *len),
        Rejection::TextInvalid { .. } => T::ErrTextInvalid,
        Rejection::WrongPhase { .. } => T::ErrWrongPhase,
        Rejection::BoardLocked { .. } => T::ErrBoardLocked,
        Rejection::NotNow => T::ErrNotNow,
        Rejection::UnknownItem => T::ErrUnknownItem,
        Rejection::TooMany => T::ErrTooMany,
        Rejection::NoOwner => T::ErrNoOwner,
        Rejection::InvalidDate => T::ErrInvalidDate,
        Rejection::InvalidTime => T::ErrInvalidTime,
    };
    key.get(lang).to_owned()
}

pub fn field_of(reason: &Rejection) -> Option<TextField> {
    match reason {
        Rejection::TextEmpty { field }
        | Rejection::TextTooLong { field, .. }
        | Rejection::TextInvalid { field } => Some(*field),
        _ => None,
    }
}

pub fn protocol_error_text(error: &ProtocolError, lang: Lang) -> &'static str {
    let key = match error {
        ProtocolError::VersionMismatch { .. } => T::ErrVersion,
        ProtocolError::UnknownRoom => T::ErrUnknownRoom,
        ProtocolError::BadKey => T::ErrBadKey,
        ProtocolError::SlowDown => T::ErrSlowDown,
        ProtocolError::ShuttingDown => T::ErrShuttingDown,
        ProtocolError::TooManyConnections => T::ErrTooManyConnections,
        ProtocolError::SessionDeleted => T::ErrSessionDeleted,
        ProtocolError::HelloFirst
        | ProtocolError::Malformed { .. }
        | ProtocolError::TooLarge { .. }
        | ProtocolError::TooSlow
        | ProtocolError::RoomMismatch => T::ErrProtocol,
        ProtocolError::StorageUnavailable => T::StorageDown,
        ProtocolError::Elsewhere { .. } => T::MovingServer,
    };
    key.get(lang)
}

#[cfg(test)]
mod tests {
    use super::*;
    use koersbord_shared::Pillar;

    #[test]
    fn every_text_exists_in_both_languages_and_differs_where_it_should() {
        for key in T::ALL {
            assert!(!key.get(Lang::Nl).is_empty(), "{key:?} nl");
            assert!(!key.get(Lang::En).is_empty(), "{key:?} en");
        }
    }

    #[test]
    fn every_pillar_has_prompts_in_both_languages() {
        for pillar in Pillar::ALL {
            for lang in [Lang::Nl, Lang::En] {
                assert!(
                    pillar_prompts(pillar, lang)
                        .iter()
                        .all(|p| p.ends_with('?'))
                );
            }
        }
    }

    #[test]
    fn every_step_has_words_and_guidance_in_both_languages() {
        for phase in Phase::ALL {
            for lang in [Lang::Nl, Lang::En] {
                assert!(!phase_name(phase, lang).is_empty());
                assert!(!phase_about(phase, lang).is_empty());
                assert!(!phase_guidance(phase, lang).is_empty());
            }
        }
    }
}
